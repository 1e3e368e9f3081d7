"""The 2M-event session, in a database of its own (``bench/.cache/huge-<key>.db``).

A separate file from the 1M dataset, so adding it (or changing it) never rebuilds that one.
Five small sessions, then one of 2,000,000 events written through ``store`` the way the
client writes (``append_many`` in batches, each event stamped by a queued clock); the same
operator chatter as ``dataset.py``. The big session is exported as a log for lnav.
Cached by a hash of this file and of the chatter generator it borrows.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from store import EventKind, Store
from store.clocks import SettableClock

from . import dataset
from .dataset import CACHE

__all__ = ["Huge", "ensure_huge"]

EVENTS: Final = 2_000_000
BATCH: Final = 50_000
SEED: Final = 20_261_202
START: Final = datetime(2026, 6, 1, tzinfo=UTC)
FIRST: Final = "BENCHFIRST2M session opened by the benchmark"
LAST: Final = "BENCHLAST2M session closed by the benchmark"


@dataclass(frozen=True, slots=True)
class Huge:
    db: Path
    log: Path
    key: str
    ulid: str
    first: str
    last: str
    events: int
    build_seconds: float
    export_seconds: float
    log_bytes: int


def _key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for generator in (dataset._one, dataset._chatter, dataset._export):
        digest.update(inspect.getsource(generator).encode())
    return digest.hexdigest()[:12]


def _build(path: Path) -> str:
    rng = random.Random(SEED)
    chatter = dataset._chatter(rng)
    clock = SettableClock(START)
    with Store.open(path, clock=clock) as store:
        for index in range(5):
            clock.now = START + timedelta(hours=index)
            sid = store.start_session(dataset._ulid(rng, clock.now), None, "0.4.0", None)
            store.append_many(sid, [next(chatter) for _ in range(20)])
            store.end_session(sid)
        clock.now = START + timedelta(days=1)
        ulid = dataset._ulid(rng, clock.now)
        sid = store.start_session(ulid, "https://engine.zero.example/v1", "0.4.0", None)
        written = 0
        while written < EVENTS:
            size = min(BATCH, EVENTS - written)
            chunk = [next(chatter) for _ in range(size)]
            if written == 0:
                chunk[0] = (EventKind.SYSTEM, FIRST)
            if written + size == EVENTS:
                chunk[-1] = (EventKind.SYSTEM, LAST)
            for _ in chunk:
                clock.now += timedelta(seconds=rng.expovariate(1 / 0.05))
                clock.queued.append(clock.now)
            store.append_many(sid, chunk)
            clock.queued.clear()
            written += size
        store.end_session(sid)
    return ulid


def ensure_huge(*, echo: bool = True) -> Huge:
    """The cached 2M-event database and its log, built first when missing or changed."""
    key = _key()
    CACHE.mkdir(parents=True, exist_ok=True)
    db, log, manifest = (CACHE / f"huge-{key}{ext}" for ext in (".db", ".log", ".json"))
    if manifest.exists() and db.exists() and log.exists():
        data = json.loads(manifest.read_text())
        return Huge(**{**data, "db": db, "log": log})
    for stale in [*CACHE.glob("huge-*"), *CACHE.glob(".huge-*")]:
        stale.unlink()
    if echo:
        print(f"building {db.name}: one session of {EVENTS:,} events ...", flush=True)
    temp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    started = time.perf_counter()
    ulid = _build(temp)
    os.replace(temp, db)
    built = time.perf_counter() - started
    started = time.perf_counter()
    dataset._export(db, ulid, log)
    exported = time.perf_counter() - started
    huge = Huge(
        db=db,
        log=log,
        key=key,
        ulid=ulid,
        first=FIRST,
        last=LAST,
        events=EVENTS,
        build_seconds=round(built, 2),
        export_seconds=round(exported, 2),
        log_bytes=log.stat().st_size,
    )
    data = asdict(huge)
    data.pop("db")
    data.pop("log")
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    if echo:
        print(f"built in {built:.1f} s; exported {log.name} ({huge.log_bytes:,} bytes)")
    return huge


def small_log(ds: dataset.Dataset) -> Path:
    """The 10-event session exported as a log too (for lnav at that size), cached beside the
    dataset under its key."""
    log = CACHE / f"small-{ds.key}.log"
    if not log.exists():
        dataset._export(ds.db, ds.small_ulid, log)
    return log
