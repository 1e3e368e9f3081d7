"""The benchmark database: 10,000 sessions and 1,000,000 events, one session of 200,000.

Written through ``store`` exactly as the ZERO client writes (``start_session``,
``append_many``, ``end_session``), each event stamped with its own moment by a queued clock.
Cached under ``bench/.cache/`` keyed by a hash of this file, so it is rebuilt only when the
generator changes. The big session's export (``at seq kind text``, one line per event) is
cached beside it for lnav and toolong.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from store import EventKind, Store
from store.clocks import SettableClock

__all__ = ["CACHE", "Dataset", "ensure_dataset"]

CACHE: Final = Path(__file__).resolve().parent / ".cache"
SESSIONS: Final = 10_000
EVENTS: Final = 1_000_000
BIG_EVENTS: Final = 200_000
SMALL_EVENTS: Final = 10
BIG_INDEX: Final = SESSIONS - 5  # the 5th newest: on the first page of the list, as on a bad day
SMALL_INDEX: Final = SESSIONS - 3
BATCH: Final = 50_000
SEED: Final = 20_250_501
START: Final = datetime(2025, 1, 1, tzinfo=UTC)
SPACING: Final = timedelta(days=365) / SESSIONS

BIG_FIRST: Final = "BENCHFIRST200K session opened by the benchmark"
BIG_LAST: Final = "BENCHLAST200K session closed by the benchmark"
SMALL_FIRST: Final = "BENCHFIRST10 small session opened"
SMALL_LAST: Final = "BENCHLAST10 small session closed"
RARE_NEEDLE: Final = "zqxrareneedle"
RARE_COUNT: Final = 5
COMMON_NEEDLE: Final = "heartbeat"

_SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD", "AAPL", "NVDA", "EUR-USD", "MSFT", "XAU-USD")
_ENGINES = ("https://engine.zero.example/v1", "http://127.0.0.1:7400", None)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True, slots=True)
class Dataset:
    """What the benchmark needs to know about the cached database."""

    db: Path
    log: Path
    key: str
    big_ulid: str
    small_ulid: str
    big_first: str
    big_last: str
    small_last: str
    rare_needle: str
    common_needle: str
    sessions: int
    events: int
    build_seconds: float
    export_seconds: float
    log_bytes: int


def generator_key() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _ulid(rng: random.Random, moment: datetime) -> str:
    millis = int(moment.timestamp() * 1000)
    head = "".join(_ALPHABET[(millis >> (5 * i)) & 31] for i in reversed(range(10)))
    return head + "".join(rng.choice(_ALPHABET) for _ in range(16))


def _sizes(rng: random.Random) -> list[int]:
    """Events per session: exact totals, the big and the small one where they belong."""
    rest = SESSIONS - 2
    budget = EVENTS - BIG_EVENTS - SMALL_EVENTS
    base, extra = divmod(budget, rest)
    sizes = [base] * rest
    for i in range(0, rest - 1, 2):  # paired spreads keep the total exact
        spread = rng.randint(0, base - 5)
        sizes[i] += spread
        sizes[i + 1] -= spread
    for i in range(extra):
        sizes[i] += 1
    sizes.insert(min(BIG_INDEX, SMALL_INDEX), 0)
    sizes.insert(max(BIG_INDEX, SMALL_INDEX), 0)
    sizes[BIG_INDEX] = BIG_EVENTS
    sizes[SMALL_INDEX] = SMALL_EVENTS
    return sizes


def _one(rng: random.Random) -> tuple[EventKind, str]:
    """One operator-like event; texts of 40-140 characters."""
    roll = rng.random()
    sym = _SYMBOLS[rng.randrange(len(_SYMBOLS))]
    if roll < 0.25:
        cmd = ("/status", "/positions", f"/quote {sym}", "/orders", "/pnl")[rng.randrange(5)]
        return EventKind.PROMPT, f"> {cmd} (operator desk {rng.randrange(1, 9)})"
    if roll < 0.5:
        return (
            EventKind.COMMAND,
            f"order filled: {sym} qty {rng.uniform(0.01, 5):.3f} @ {rng.uniform(10, 900):.2f}"
            f" venue {('XNAS', 'ARCX', 'CBSX')[rng.randrange(3)]} ref {rng.getrandbits(40):x}",
        )
    if roll < 0.8:
        return (
            EventKind.SYSTEM,
            f"{COMMON_NEEDLE} ok; latency {rng.randrange(8, 140)} ms;"
            f" {rng.randrange(0, 7)} orders open; queue depth {rng.randrange(0, 40)};"
            f" engine clock skew {rng.uniform(-2, 2):+.3f} ms",
        )
    if roll < 0.9:
        return (
            EventKind.WARN,
            f"slippage {rng.uniform(0.5, 2.5):.2f}% on {sym} above the 0.5% threshold",
        )
    if roll < 0.97:
        return EventKind.ALERT, f"risk limit reached on {sym}: new orders blocked"
    return EventKind.MODE_CHANGE, "mode: paper -> live" if roll < 0.985 else "mode: live"


def _chatter(rng: random.Random) -> Iterator[tuple[EventKind, str]]:
    """Endless events, each with a trace id (lines of ~125 bytes in the export)."""
    while True:
        kind, text = _one(rng)
        yield kind, f"{text} trace={rng.getrandbits(64):016x}"


def _session_events(
    index: int, size: int, chatter: Iterator[tuple[EventKind, str]]
) -> Iterator[tuple[EventKind, str]]:
    first, last = {BIG_INDEX: (BIG_FIRST, BIG_LAST), SMALL_INDEX: (SMALL_FIRST, SMALL_LAST)}.get(
        index, ("welcome back; engine connected", "session closed by the operator")
    )
    yield EventKind.SYSTEM, first
    for _ in range(size - 2):
        yield next(chatter)
    yield EventKind.SYSTEM, last


def _build(path: Path) -> None:
    rng = random.Random(SEED)
    chatter = _chatter(rng)
    sizes = _sizes(rng)
    rare_at = {rng.randrange(SESSIONS) for _ in range(RARE_COUNT * 3)}
    rare_at = set(sorted(rare_at - {BIG_INDEX, SMALL_INDEX})[:RARE_COUNT])
    clock = SettableClock(START)
    with Store.open(path, clock=clock) as store:
        for index, size in enumerate(sizes):
            clock.now = START + SPACING * index + timedelta(seconds=rng.randrange(600))
            ulid = _ulid(rng, clock.now)
            engine = _ENGINES[rng.randrange(len(_ENGINES))]
            sid = store.start_session(ulid, engine, ("0.3.1", "0.4.0")[index % 2], None)
            pace = 0.05 if index == BIG_INDEX else 4.0
            batch: list[tuple[EventKind, str]] = []
            for kind, text in _session_events(index, size, chatter):
                if index in rare_at and len(batch) == size // 2:
                    text = f"{text} [{RARE_NEEDLE}]"
                batch.append((kind, text))
            for start in range(0, len(batch), BATCH):
                chunk = batch[start : start + BATCH]
                for _ in chunk:
                    clock.now += timedelta(seconds=rng.expovariate(1 / pace))
                    clock.queued.append(clock.now)
                store.append_many(sid, chunk)
                clock.queued.clear()
            if index < SESSIONS - 2:
                clock.now += timedelta(seconds=rng.uniform(5, 60))
                store.end_session(sid)


def _export(db: Path, ulid: str, log: Path) -> None:
    """The session as a plain log: ``at seq kind text`` per line (text on one line)."""
    temp = log.with_name(f".{log.name}.{os.getpid()}.tmp")
    with Store.open_readonly(db) as store, temp.open("w", encoding="utf-8") as out:
        session = store.get_session_by_ulid(ulid)
        if session is None:
            raise RuntimeError(f"{db}: no session {ulid}")
        for event in store.iter_events(session.id, page=20_000):
            stamp = event.at.isoformat(timespec="milliseconds") if event.at else "-"
            text = event.text.replace("\r", " ").replace("\n", " ")
            out.write(f"{stamp} {event.seq} {event.kind_label} {text}\n")
    os.replace(temp, log)


def ensure_dataset(*, echo: bool = True) -> Dataset:
    """The cached dataset, built first when the generator changed (or nothing is cached)."""
    key = generator_key()
    CACHE.mkdir(parents=True, exist_ok=True)
    db, log, manifest = (CACHE / f"bench-{key}{ext}" for ext in (".db", ".log", ".json"))
    if manifest.exists() and db.exists() and log.exists():
        data = json.loads(manifest.read_text())
        data.update(db=db, log=log)
        return Dataset(**data)
    for stale in [*CACHE.glob("bench-*"), *CACHE.glob(".bench-*")]:
        stale.unlink()
    if echo:
        print(f"building {db.name}: {SESSIONS:,} sessions, {EVENTS:,} events ...", flush=True)
    temp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    started = time.perf_counter()
    _build(temp)
    os.replace(temp, db)
    built = time.perf_counter() - started
    with Store.open_readonly(db) as store:
        row = store.list_sessions(6)
        ulids = [r.ulid for r in reversed(row)]  # oldest first among the 6 newest
    big_ulid = ulids[BIG_INDEX - (SESSIONS - 6)]
    small_ulid = ulids[SMALL_INDEX - (SESSIONS - 6)]
    started = time.perf_counter()
    _export(db, big_ulid, log)
    exported = time.perf_counter() - started
    dataset = Dataset(
        db=db,
        log=log,
        key=key,
        big_ulid=big_ulid,
        small_ulid=small_ulid,
        big_first=BIG_FIRST,
        big_last=BIG_LAST,
        small_last=SMALL_LAST,
        rare_needle=RARE_NEEDLE,
        common_needle=COMMON_NEEDLE,
        sessions=SESSIONS,
        events=EVENTS,
        build_seconds=round(built, 2),
        export_seconds=round(exported, 2),
        log_bytes=log.stat().st_size,
    )
    data = asdict(dataset)
    data.pop("db")
    data.pop("log")
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    if echo:
        print(f"built in {built:.1f} s; exported {log.name} ({dataset.log_bytes:,} bytes)")
    return dataset
