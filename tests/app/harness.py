"""What the app and snapshot tests share: fixed data written through ``store``, a fixed
clock, and ways to wait for the app without sleeping.

Imported as ``tests.app.harness`` (``tests/conftest.py`` puts the project root on
``sys.path``). Every database here is the same on every run, times included.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from store import EventKind, Store, milestones
from store.clocks import SettableClock

# Waiting without sleeping lives in tests/app/waiting.py; re-exported for the tests.
from tests.app.waiting import (
    WATCHDOG_S as WATCHDOG_S,
)
from tests.app.waiting import (
    drain as drain,
)
from tests.app.waiting import (
    ready as ready,
)
from tests.app.waiting import (
    settle as settle,
)
from tests.app.waiting import (
    show_session as show_session,
)
from tests.app.waiting import (
    shown_ulid as shown_ulid,
)
from tests.app.waiting import (
    wait_until as wait_until,
)

# ---- time --------------------------------------------------------------------------------

APP_NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
"""What the app's clock always says."""

SIZE = (120, 36)
"""Terminal size of every Pilot run and snapshot."""


def app_clock() -> datetime:
    return APP_NOW


def ulid_at(moment: datetime, tail: str) -> str:
    """A well-formed ULID: 10 characters of time (Crockford base32) and a 16-character tail."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    millis = int(moment.timestamp() * 1000)
    head = "".join(alphabet[(millis >> (5 * i)) & 31] for i in reversed(range(10)))
    assert len(tail) <= 16
    assert all(ch in alphabet for ch in tail)
    return head + tail.rjust(16, "0")


def add_session(
    store: Store,
    clock: SettableClock,
    *,
    ulid: str,
    start: datetime,
    events: list[tuple[EventKind, str]],
    gap: timedelta = timedelta(seconds=7),
    end_after: timedelta | None = timedelta(seconds=30),
    parent: str | None = None,
    engine: str | None = "https://engine.zero.example/v1",
    cli_version: str = "0.4.0",
) -> int:
    """One session started at ``start``, its events ``gap`` apart, ended ``end_after`` after
    the last event (left open when None). Returns the session id."""
    clock.set(start)
    sid = store.start_session(ulid, engine, cli_version, parent)
    stamps = [start + gap * (index + 1) for index in range(len(events))]
    clock.queue(stamps)
    store.append_many(sid, events)
    assert not clock.queued
    if end_after is not None:
        clock.set((stamps[-1] if stamps else start) + end_after)
        store.end_session(sid)
    return sid


# ---- the fixture database ----------------------------------------------------------------

K = EventKind

ALL_KINDS_EVENTS: list[tuple[EventKind, str]] = [
    (K.SYSTEM, "welcome back; engine connected"),
    (K.PROMPT, "> /status"),
    (K.COMMAND, "status: paper mode, 2 orders open, pnl +0.42%"),
    (K.PROMPT, "> /quote BTC-USD"),
    (K.COMMAND, "BTC-USD bid 64,210.50 ask 64,212.00"),
    (K.WARN, "slippage 0.84% on BTC-USD above the 0.5% threshold"),
    (K.MODE_CHANGE, "mode: paper -> live"),
    (K.COMMAND, "order filled: BTC-USD qty 0.25 @ 64,211.75"),
    (K.WARN, "slippage 1.12% on ETH-USD above the 0.5% threshold"),
    (K.ALERT, "risk limit reached on ETH-USD: new orders blocked"),
    (K.SYSTEM, "heartbeat ok; latency 42 ms; 1 orders open"),
    (K.WARN, "engine latency 812 ms above the 500 ms threshold"),
    (K.MODE_CHANGE, "mode: live -> paper"),
    (K.PROMPT, "> /pnl"),
    (K.COMMAND, "pnl today +1.37%, week +3.02%"),
    (K.SYSTEM, "session closed by the operator"),
]

HOSTILE_TEXTS: list[str] = [
    "markup: [bold]x[/] stays literal",
    "action: [@click=app.quit]click me[/] does nothing",
    "[/b] plan",
    "[TODO] plan",
    "CSI: \x1b[2J\x1b[H cleared? \x1b[31mred\x1b[0m done",
    "OSC 8: \x1b]8;;https://evil.example\x1b\\innocent\x1b]8;;\x1b\\ link",
    "OSC title: \x1b]0;pwned title\x07 after",
    "C0: NUL\x00 BEL\x07 BS\x08 VT\x0b FF\x0c CR\r DEL\x7f end",
    "C1: 8-bit CSI \x9b31m NEL\x85 end",
    "bidi: user\u202egnp.exe\u202c zero\u200bwidth \ufeffbom \u2066isolate\u2069",
]
"""One hostile event each; none may act on the terminal, hide text or run an action."""

HOSTILE_CLI = "[/b]\x9b\u202e"
HOSTILE_ENGINE = "https://[@click=app.quit]\x1b/v1"
"""Session columns are database text too (short, so the list still fits 120 columns)."""

FORBIDDEN = ("\x1b", "\x9b", "\x00", "\u202e", "\u200b", "\ufeff", "\x07", "\x85")
"""Characters that must never reach the screen raw."""

LONG_TEXT_LINES = 2_000
_FILLER = "the quick brown fox jumps over the lazy dog; portfolio rebalanced, all checks ok"
LONG_TEXT = "\n".join(f"line {n:05d}: {_FILLER} #{n:05d}" for n in range(1, LONG_TEXT_LINES + 1))
"""About 200 KB, with newlines: more than three 64 KiB pages of the detail view."""


def _at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


ALL_KINDS = ulid_at(_at(20, 9), "A11K1ND5")
PARENT = ulid_at(_at(21, 10), "PARENT01")
FORK = ulid_at(_at(21, 15, 30), "F0RK0001")
HOSTILE = ulid_at(_at(22, 8), "H05T11E5")
LONG = ulid_at(_at(23, 11), "TEXT0200KB")
OPEN = ulid_at(_at(23, 20), "0PEN0001")
LIVE = ulid_at(_at(24, 11, 50), "ACT1VE01")

BIG = ulid_at(_at(22, 0), "B1G5E55")
"""The one session of ``build_big_session``."""

NEWEST_FIRST = [LIVE, OPEN, LONG, HOSTILE, FORK, PARENT, ALL_KINDS]
"""Order of the session list for the fixture database."""

LONG_TEXT_SEQ = 3
"""Seq of the 200 KB event in the LONG session."""


def build_fixture_db(path: Path, *, welcome_shown: bool = True) -> Path:
    """Seven sessions over five days: every kind, warnings and alerts, a fork, a session
    still open and a live one, hostile text, and one 200 KB event."""
    clock = SettableClock(_at(20, 9))
    with Store.open(path, clock=clock) as store:
        add_session(store, clock, ulid=ALL_KINDS, start=_at(20, 9), events=ALL_KINDS_EVENTS)
        add_session(
            store,
            clock,
            ulid=PARENT,
            start=_at(21, 10),
            events=ALL_KINDS_EVENTS[:6],
            cli_version="0.3.1",
            engine="http://127.0.0.1:7400",
        )
        add_session(
            store,
            clock,
            ulid=FORK,
            start=_at(21, 15, 30),
            events=[(K.SYSTEM, "forked from the morning session"), *ALL_KINDS_EVENTS[1:4]],
            parent=PARENT,
        )
        add_session(
            store,
            clock,
            ulid=HOSTILE,
            start=_at(22, 8),
            events=[(K.PROMPT, "> /paste"), *((K.SYSTEM, text) for text in HOSTILE_TEXTS)],
            gap=timedelta(seconds=2),
            engine=HOSTILE_ENGINE,
            cli_version=HOSTILE_CLI,
        )
        add_session(
            store,
            clock,
            ulid=LONG,
            start=_at(23, 11),
            events=[
                (K.PROMPT, "> /report --full"),
                (K.SYSTEM, "building the report"),
                (K.COMMAND, LONG_TEXT),
                (K.SYSTEM, "report done"),
            ],
        )
        add_session(
            store,
            clock,
            ulid=OPEN,
            start=_at(23, 20),
            events=ALL_KINDS_EVENTS[:3],
            end_after=None,
            engine=None,
        )
        add_session(
            store,
            clock,
            ulid=LIVE,
            start=_at(24, 11, 50),
            events=ALL_KINDS_EVENTS[:5],
            gap=timedelta(seconds=90),
            end_after=None,
        )
        clock.set(_at(20, 9))
        if welcome_shown:
            store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


def build_many_sessions(path: Path, count: int) -> Path:
    """``count`` sessions one hour apart (one event each); the newest is numbered count-1."""
    clock = SettableClock(_at(1, 0))
    with Store.open(path, clock=clock) as store:
        for index in range(count):
            start = _at(1, 0) + timedelta(hours=index)
            add_session(
                store,
                clock,
                ulid=ulid_at(start, f"MANY{index:04d}"),
                start=start,
                events=[(K.SYSTEM, f"session number {index}")],
            )
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


def build_big_session(path: Path, events: int) -> Path:
    """One session of ``events`` events, one per second."""
    start = _at(22, 0)  # BIG's time
    clock = SettableClock(start)
    kinds = list(EventKind)
    with Store.open(path, clock=clock) as store:
        add_session(
            store,
            clock,
            ulid=BIG,
            start=start,
            events=[(kinds[n % 6], f"event number {n + 1}") for n in range(events)],
            gap=timedelta(seconds=1),
        )
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


def build_empty_db(path: Path) -> Path:
    """The schema and no session (the welcome already shown)."""
    with Store.open(path, clock=SettableClock(_at(20, 9))) as store:
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


def record_notifications(app: Any) -> list[dict[str, Any]]:
    """Spy on ``app.notify`` (install before ``run_test``): each call's message and options."""
    seen: list[dict[str, Any]] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append({"message": message, **kwargs})
        original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def open_big(pilot: Any) -> None:
    """Open the one session of the big database (``build_big_session``) from the list (one
    open, no race with a --session lookup) and focus the replay."""
    app = pilot.app
    await ready(pilot)
    assert shown_ulid(app) == BIG
    await pilot.press("enter")
    assert app.focused is app.replay


# ---- what is on screen ---------------------------------------------------------------------


def screen_text(app: Any) -> str:
    """The characters of the whole screen (modal screens over the main one included), as
    the terminal would get them, without the styles."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)


def replay_lines(app: Any) -> list[str]:
    """The text of each row the replay pane shows now."""
    replay = app.replay
    return [replay.render_line(y).text for y in range(replay.scrollable_content_region.height)]


def cursor_line(app: Any) -> str:
    replay = app.replay
    return str(replay.render_line(replay.cursor - replay.scroll_offset.y).text)
