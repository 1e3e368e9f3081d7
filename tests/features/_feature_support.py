"""What the feature tests share: an injectable scheduler for timed replay, two small databases
(uneven gaps for replay timing, a fork tree), and ways to read the bar, notifications and
lists. Imported as ``tests.features._feature_support``; the fixture database itself is
``tests/app/harness.py`` (used read-only).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from store import EventKind, Store, milestones
from store.clocks import SettableClock
from tests.app.harness import ready, settle, shown_ulid, ulid_at, wait_until

K = EventKind

# ---- an injected scheduler: timed replay without sleeping ---------------------------------


@dataclass
class Scheduled:
    delay: float
    callback: Callable[[], None]
    stopped: bool = False
    fired: bool = False

    def stop(self) -> None:
        self.stopped = True


@dataclass
class FakeScheduler:
    """``ReplayView.scheduler``: records each request; the test decides when it fires."""

    calls: list[Scheduled] = field(default_factory=list)

    def __call__(self, delay: float, callback: Callable[[], None]) -> Scheduled:
        item = Scheduled(delay, callback)
        self.calls.append(item)
        return item

    @property
    def pending(self) -> list[Scheduled]:
        return [c for c in self.calls if not c.stopped and not c.fired]

    @property
    def delays(self) -> list[float]:
        return [c.delay for c in self.calls]

    def fire(self) -> float:
        """Run the one pending callback (as the timer would); returns its delay."""
        (item,) = self.pending
        item.fired = True
        item.callback()
        return item.delay


# ---- the timing database -----------------------------------------------------------------

TIMING_START = datetime(2026, 11, 22, 14, 0, 0, tzinfo=UTC)
TIMING = ulid_at(TIMING_START, "T1M1NG01")

TIMING_EVENTS: list[tuple[float, EventKind, str]] = [
    (1.0, K.SYSTEM, "replay starts"),
    (1.5, K.PROMPT, "> /status"),
    (3.0, K.COMMAND, "status: paper mode"),
    (3.0, K.SYSTEM, "same instant as the one before"),
    (13.0, K.PROMPT, "> /quote BTC-USD after a long idle gap"),
    (12.0, K.COMMAND, "stamped a second before the previous event"),
    (12.8, K.WARN, "slippage 0.9% on BTC-USD"),
    (14.0, K.COMMAND, "order filled: BTC-USD qty 0.25"),
    (14.5, K.ALERT, "risk limit reached on BTC-USD"),
    (20.0, K.SYSTEM, "replay ends"),
]
"""(seconds after the start, kind, text): gaps of 0.5, 1.5, 0, 10 (idle), -1 (backwards),
0.8, 1.2, 0.5, 5.5 s."""


def timing_gaps() -> list[float]:
    offsets = [offset for offset, _, _ in TIMING_EVENTS]
    return [b - a for a, b in itertools.pairwise(offsets)]


def build_timing_db(path: Path) -> Path:
    clock = SettableClock(TIMING_START)
    with Store.open(path, clock=clock) as store:
        sid = store.start_session(TIMING, "https://engine.zero.example/v1", "0.4.0", None)
        clock.queue(TIMING_START + timedelta(seconds=offset) for offset, _, _ in TIMING_EVENTS)
        store.append_many(sid, [(kind, text) for _, kind, text in TIMING_EVENTS])
        clock.set(TIMING_START + timedelta(seconds=30))
        store.end_session(sid)
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


# ---- the fork database -------------------------------------------------------------------

ROOT_START = datetime(2026, 11, 21, 9, 0, 0, tzinfo=UTC)
ROOT = ulid_at(ROOT_START, "R00T0001")
CHILD_A = ulid_at(ROOT_START + timedelta(minutes=3, seconds=30), "CH11DA01")
CHILD_B = ulid_at(ROOT_START + timedelta(minutes=7, seconds=30), "CH11DB01")
GRANDCHILD = ulid_at(ROOT_START + timedelta(minutes=6, seconds=10), "GRANDC01")
LONER = ulid_at(ROOT_START + timedelta(hours=2), "10NER001")

FORK_POINTS = {CHILD_A: 3, CHILD_B: 7, GRANDCHILD: 2}
"""Where each fork left its parent: the parent's last event before the fork started."""


def build_forks_db(path: Path) -> Path:
    """ROOT (10 events a minute apart) with two forks, CHILD_A (after seq 3) and CHILD_B
    (after seq 7); CHILD_A has a fork of its own, GRANDCHILD (after seq 2); LONER has none."""
    clock = SettableClock(ROOT_START)
    minute = timedelta(minutes=1)

    def session(ulid: str, start: datetime, count: int, parent: str | None) -> None:
        clock.set(start)
        sid = store.start_session(ulid, "https://engine.zero.example/v1", "0.4.0", parent)
        clock.queue(start + minute * (n + 1) for n in range(count))
        store.append_many(sid, [(K.SYSTEM, f"{ulid[-8:]} event {n + 1}") for n in range(count)])
        clock.set(start + minute * (count + 1))
        store.end_session(sid)

    with Store.open(path, clock=clock) as store:
        session(ROOT, ROOT_START, 10, None)
        session(CHILD_A, ROOT_START + timedelta(minutes=3, seconds=30), 4, ROOT)
        session(GRANDCHILD, ROOT_START + timedelta(minutes=6, seconds=10), 3, CHILD_A)
        session(CHILD_B, ROOT_START + timedelta(minutes=7, seconds=30), 2, ROOT)
        session(LONER, ROOT_START + timedelta(hours=2), 2, None)
        store.set_milestone(milestones.WELCOME_SHOWN, "true")
    return path


# ---- reading the app ---------------------------------------------------------------------


def bar_text(app: Any) -> str:
    """The plain text of the line under the replay pane."""
    return str(app.bar.render()).strip()


def notices(app: Any) -> list[tuple[str, str]]:
    """(severity, message) of every notification raised so far."""
    return [(n.severity, n.message) for n in app._notifications]


def listed(app: Any) -> list[str]:
    """ULIDs of the session list, top to bottom."""
    return [item.session.ulid for item in app.table.items]


async def open_and_settle(pilot: Any, ulid: str) -> None:
    """Wait until ``--session ulid`` is shown in the replay pane and everything has settled."""
    app = pilot.app
    try:
        await wait_until(pilot, lambda: shown_ulid(app) == ulid, f"session {ulid}")
    except AssertionError as error:
        state = f"shown={shown_ulid(app)} wanted={app.state.wanted_key} notices={notices(app)}"
        raise AssertionError(f"{error}; {state}") from None
    await ready(pilot)


async def wait_for_notice(pilot: Any, text: str) -> tuple[str, str]:
    found: list[tuple[str, str]] = []

    def seen() -> bool:
        found[:] = [n for n in notices(pilot.app) if text in n[1]]
        return bool(found)

    await wait_until(pilot, seen, f"a notification containing {text!r}")
    return found[-1]


async def reopened(pilot: Any) -> None:
    """After something reopens the shown session (a kind toggle): wait for it to settle."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: app.replay.timeline is not None and app.replay.timeline.kinds == app.state.kinds,
        "the session to reopen with the new kinds",
    )
    await settle(pilot)
