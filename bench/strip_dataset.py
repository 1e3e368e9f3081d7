"""The timeline strip's benchmark database: one session of 2,000,000 events.

Written through ``store`` as the ZERO client writes (``start_session``, ``append_many`` in
batches of 50,000, ``end_session``), each event stamped by a queued clock. The first half has
the usual mix (warnings ~1.5 %, alerts ~0.05 %, mode changes ~0.01 %); the second half is
quiet but for one alert near its end, so a jump from the middle scans a million events: the
worst case of the marker keys. Cached in ``bench/.cache/`` under a hash of this file.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from store import EventKind, Store
from store.clocks import SettableClock

__all__ = ["EVENTS", "QUIET_FROM", "StripDataset", "ensure_strip_dataset"]

CACHE: Final = Path(__file__).resolve().parent / ".cache"
EVENTS: Final = 2_000_000
QUIET_FROM: Final = EVENTS // 2
LONE_ALERT: Final = EVENTS - 1_000
BATCH: Final = 50_000
SEED: Final = 20_261_202
START: Final = datetime(2026, 6, 1, tzinfo=UTC)
ULID: Final = "01JSTRIPBENCH2MEVENTS00000"


@dataclass(frozen=True, slots=True)
class StripDataset:
    db: Path
    ulid: str
    events: int
    build_seconds: float | None
    """None: reused from the cache."""


def _kind(rng: random.Random, seq: int) -> EventKind:
    if seq == LONE_ALERT:
        return EventKind.ALERT
    roll = rng.random()
    if seq > QUIET_FROM:
        return EventKind.SYSTEM if roll < 0.6 else EventKind.COMMAND
    if roll < 0.0005:
        return EventKind.ALERT
    if roll < 0.0006:
        return EventKind.MODE_CHANGE
    if roll < 0.0156:
        return EventKind.WARN
    if roll < 0.2:
        return EventKind.PROMPT
    return EventKind.COMMAND if roll < 0.45 else EventKind.SYSTEM


def _events(rng: random.Random) -> Iterator[tuple[EventKind, str]]:
    for seq in range(1, EVENTS + 1):
        kind = _kind(rng, seq)
        yield (
            kind,
            f"{kind.value} event {seq}: latency {rng.randrange(8, 140)} ms,"
            f" ref {rng.getrandbits(48):x}",
        )


def _build(path: Path) -> None:
    rng = random.Random(SEED)
    clock = SettableClock(START)
    with Store.open(path, clock=clock) as store:
        sid = store.start_session(ULID, None, "0.4.0", None)
        batch: list[tuple[EventKind, str]] = []
        for event in _events(rng):
            batch.append(event)
            if len(batch) == BATCH:
                for _ in batch:
                    clock.now += timedelta(seconds=rng.expovariate(1 / 0.05))
                    clock.queued.append(clock.now)
                store.append_many(sid, batch)
                clock.queued.clear()
                batch = []
        clock.now += timedelta(seconds=5)
        store.end_session(sid)


def ensure_strip_dataset(*, echo: bool = True) -> StripDataset:
    key = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"strip-{key}.db"
    if db.exists():
        return StripDataset(db, ULID, EVENTS, None)
    for stale in CACHE.glob("strip-*.db*"):
        stale.unlink()
    if echo:
        print(f"building {db.name}: one session of {EVENTS:,} events ...", flush=True)
    temp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    started = time.perf_counter()
    _build(temp)
    os.replace(temp, db)
    built = time.perf_counter() - started
    if echo:
        print(f"built in {built:.1f} s", flush=True)
    return StripDataset(db, ULID, EVENTS, round(built, 1))
