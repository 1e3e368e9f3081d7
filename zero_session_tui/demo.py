"""A realistic demo database, written through ``store`` like the ZERO client writes it.

A few dozen sessions over several days with all six kinds, warnings and alerts, a fork, a
session still open, one with hostile text, and one long session of tens of thousands of events.
Deterministic for a given seed and end time.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from store import EventKind, Store, milestones
from store.clocks import SettableClock

from . import locations

__all__ = ["DEMO_VERSION", "build_demo", "ensure_demo"]

DEMO_VERSION: Final = 3
LONG_SESSION_EVENTS: Final = 50_000
SESSIONS: Final = 36

_SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD", "AAPL", "NVDA", "EUR-USD")
_ENGINES = ("https://engine.zero.example/v1", "http://127.0.0.1:7400", None)
_VERSIONS = ("0.3.0", "0.3.1", "0.4.0")
_HOSTILE = (
    "pasted from a chat: [bold red]not markup[/] [@click=app.quit]click me[/] [/b] [TODO] plan",
    "terminal junk: \x1b]0;pwned title\x07 \x1b[2J\x1b[H cleared? \x1b[31mred\x1b[0m \x9b31m",
    "link: \x1b]8;;https://evil.example\x1b\\innocent\x1b]8;;\x1b\\ and NUL\x00 and DEL\x7f",
    "bidi: user\u202egnp.exe\u202c zero\u200bwidth \ufeffbom \u2066isolate\u2069",
)


def _ulid(rng: random.Random, moment: datetime) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    millis = int(moment.timestamp() * 1000)
    head = "".join(alphabet[(millis >> (5 * i)) & 31] for i in reversed(range(10)))
    return head + "".join(rng.choice(alphabet) for _ in range(16))


def _chatter(rng: random.Random, count: int) -> Iterator[tuple[EventKind, str, float]]:
    """(kind, text, seconds since the previous event) like an operator's session."""
    mode = "paper"
    yield EventKind.SYSTEM, "welcome back; engine connected", 0.4
    for step in range(count - 1):
        roll = rng.random()
        symbol = rng.choice(_SYMBOLS)
        gap = rng.expovariate(1 / 6)
        if roll < 0.28:
            cmd = rng.choice(
                ("/status", "/positions", "/quote " + symbol, "/orders", "/pnl", "/help")
            )
            yield EventKind.PROMPT, f"> {cmd}", gap + 2
        elif roll < 0.55:
            qty = round(rng.uniform(0.01, 5), 3)
            yield (
                EventKind.COMMAND,
                f"order filled: {symbol} qty {qty} @ {rng.uniform(10, 900):.2f}",
                gap,
            )
        elif roll < 0.8:
            yield (
                EventKind.SYSTEM,
                f"heartbeat ok; latency {rng.randint(8, 140)} ms; {rng.randint(0, 6)} orders open",
                gap,
            )
        elif roll < 0.9:
            yield (
                EventKind.WARN,
                f"slippage {rng.uniform(0.5, 2.5):.2f}% on {symbol} above the 0.5% threshold",
                gap,
            )
        elif roll < 0.95:
            yield EventKind.ALERT, f"risk limit reached on {symbol}: new orders blocked", gap
        else:
            new = "live" if mode == "paper" else "paper"
            yield EventKind.MODE_CHANGE, f"mode: {mode} -> {new}", gap
            mode = new
        if step % 997 == 500:
            detail = "\n".join(f"  {s}: {rng.uniform(-3, 3):+.2f}%" for s in _SYMBOLS)
            yield EventKind.COMMAND, "portfolio summary\n" + detail + "\n" + "=" * 300, 1.0


def build_demo(
    path: Path, *, end: datetime, seed: int = 7, long_events: int = LONG_SESSION_EVENTS
) -> None:
    """Write the demo into ``path`` (which must not exist yet)."""
    rng = random.Random(seed)
    clock = SettableClock(end - timedelta(days=6))
    with Store.open(path, clock=clock) as store:
        forked_from: str | None = None
        for index in range(SESSIONS):
            clock.now = (
                end - timedelta(days=6) + timedelta(hours=index * 4, minutes=rng.randint(0, 90))
            )
            ulid = _ulid(rng, clock.now)
            parent = forked_from if index in (9, 10) else None
            sid = store.start_session(ulid, rng.choice(_ENGINES), rng.choice(_VERSIONS), parent)
            if index == 8:
                forked_from = ulid
            long = index == SESSIONS - 6
            size = long_events if long else rng.randint(12, 400)
            batch: list[tuple[EventKind, str]] = []
            stamps: list[float] = []
            pace = 0.05 if long else 1.0  # the long session is a busy, automated one
            for kind, text, gap in _chatter(rng, size):
                batch.append((kind, text))
                stamps.append(gap * pace)
            if index == 20:
                batch[3:3] = [(EventKind.SYSTEM, text) for text in _HOSTILE]
                stamps[3:3] = [1.0] * len(_HOSTILE)
            _append_timed(store, sid, clock, batch, stamps)
            if index < SESSIONS - 2:
                clock.advance(rng.uniform(5, 60))
                store.end_session(sid)
        store.set_milestone(milestones.FIRST_LIVE_TRADE_AT, (end - timedelta(days=5)).isoformat())


def _append_timed(
    store: Store,
    sid: int,
    clock: SettableClock,
    batch: list[tuple[EventKind, str]],
    gaps: list[float],
) -> None:
    """Append in chunks of 5,000, each event stamped at the clock moved by its gap."""
    for start in range(0, len(batch), 5_000):
        chunk = batch[start : start + 5_000]
        for gap in gaps[start : start + 5_000]:
            clock.advance(gap)
            clock.queued.append(clock.now)
        store.append_many(sid, chunk)
        clock.queued.clear()


def ensure_demo(now: datetime | None = None) -> Path:
    """The cached demo database, built (atomically) when missing or older than a day."""
    path = locations.demo_database(DEMO_VERSION)
    moment = now or datetime.now(UTC)
    if path.exists():
        age = moment.timestamp() - path.stat().st_mtime
        if age < 86_400:
            return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
        leftover.unlink(missing_ok=True)
    build_demo(temp, end=moment)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(temp, path)
    return path
