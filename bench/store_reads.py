"""The store's list reads on a client-sized database: ``.venv/bin/python -m bench.store_reads``.

A database shaped like the Rust client's (its tables, ``UNIQUE (session_id, seq)``, refinery's
history table; no index of ours), written with plain SQL: 10,000 sessions, one of them with
2,000,000 events (the 5th newest, so on the list's first page), the others with 20 each, and
30 sessions forked from the big one. Cached under ``bench/.cache/`` (about 15 s to build on
2 cores); every run works on a fresh copy made with SQLite's backup API, so opening it with
``Store.open`` can be measured as the client's own start-up would meet it.

It prints, for each read, the first call and the median of the repeats, in milliseconds, and
what ``Store.open`` changed in the file (it must change nothing). With ``store.summary_cache``
present it also times the browser-side summary cache: built from nothing, warm (validated
only), and after the client appended 1,000 events; then the app's own first page (``Catalog``:
counts and first prompts) through the cache and without one. The whole run stays under a
minute.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from store import Store
from zero_session_tui.kinds import KINDS as KIND_TABLE

CACHE: Final = Path(__file__).resolve().parent / ".cache"
SESSIONS: Final = 10_000
BIG_EVENTS: Final = 2_000_000
SMALL_EVENTS: Final = 20
FORKS: Final = 30
BIG_INDEX: Final = SESSIONS - 5
KINDS: Final = tuple(info.value for info in KIND_TABLE)  # the display order
WEIGHTS: Final = (25, 25, 30, 10, 7, 3)
START: Final = datetime(2025, 1, 1, tzinfo=UTC)

RUST_SCHEMA: Final = """
CREATE TABLE refinery_schema_history (
    version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255),
    checksum VARCHAR(255));
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    ulid TEXT UNIQUE NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NULL,
    engine_base_url TEXT NULL,
    cli_version TEXT NOT NULL,
    parent_ulid TEXT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('prompt', 'system', 'command', 'warn', 'alert', 'mode_change')),
    text TEXT NOT NULL,
    UNIQUE (session_id, seq));
CREATE TABLE milestones (key TEXT PRIMARY KEY, value TEXT NOT NULL, at TEXT NOT NULL);
"""


def _key() -> str:
    source = Path(__file__).read_bytes()
    start, end = source.index(b"# ---- dataset"), source.index(b"# ---- end of dataset")
    return hashlib.sha256(source[start:end]).hexdigest()[:12]


# ---- dataset (its hash names the cached file) ------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123+00:00"  # chrono's 9 digits


def _ulid(index: int) -> str:
    return f"01JBENCH{index:018d}"


def _events(rng: random.Random, sid: int, count: int, start: datetime) -> Iterator[tuple[Any, ...]]:
    kinds = rng.choices(KINDS, WEIGHTS, k=count)
    for seq in range(1, count + 1):
        kind = kinds[seq - 1]
        at = _stamp(start + timedelta(milliseconds=50 * seq))
        yield sid, seq, at, kind, f"{kind} line {seq} of session {sid}: ok latency 42 ms"


def _build(path: Path) -> None:
    rng = random.Random(20_260_101)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(RUST_SCHEMA)
        conn.execute(
            "INSERT INTO refinery_schema_history VALUES (1, 'initial', ?, '11823412351279185386')",
            (_stamp(START),),
        )
        conn.execute("BEGIN")
        big_ulid = _ulid(BIG_INDEX)
        for index in range(SESSIONS):
            started = START + timedelta(hours=index)
            fork = SESSIONS - 100 <= index < SESSIONS - 100 + FORKS
            conn.execute(
                "INSERT INTO sessions (id, ulid, started_at, ended_at, engine_base_url,"
                " cli_version, parent_ulid) VALUES (?, ?, ?, ?, ?, '0.4.0', ?)",
                (
                    index + 1,
                    _ulid(index),
                    _stamp(started),
                    _stamp(started + timedelta(minutes=30)) if index < SESSIONS - 2 else None,
                    "http://127.0.0.1:7400" if index % 2 else None,
                    big_ulid if fork else None,
                ),
            )
            count = BIG_EVENTS if index == BIG_INDEX else SMALL_EVENTS
            conn.executemany(
                "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
                _events(rng, index + 1, count, started),
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")  # as the client leaves it
    finally:
        conn.close()


# ---- end of dataset ------------------------------------------------------------------------


def ensure_database(echo: bool = True) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"store-reads-{_key()}.db"
    if path.exists():
        return path
    for stale in CACHE.glob("store-reads-*"):
        stale.unlink()
    temp = CACHE / f".store-reads-{os.getpid()}.tmp"
    if echo:
        print(f"building {path.name}: {SESSIONS:,} sessions, one of {BIG_EVENTS:,} events ...")
    started = time.perf_counter()
    _build(temp)
    os.replace(temp, path)
    if echo:
        print(f"built in {time.perf_counter() - started:.1f} s")
    return path


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite (never a file copy that could miss a -wal)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _master(path: Path) -> tuple[list[tuple[Any, ...]], int]:
    """sqlite_master and the file's size in pages * page size, read through SQLite."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        master = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        return master, int(pages) * int(size)
    finally:
        conn.close()


def _time(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(first call, median of all calls) in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times)


def _row(name: str, first: float, median: float, note: str = "") -> None:
    print(f"  {name:<44} {first:>10.1f} {median:>10.1f}  {note}")


def _reads(db: Store, big: int, big_ulid: str, repeats: int) -> None:
    print(f"  {'read':<44} {'first ms':>10} {'median ms':>10}")
    cases: list[tuple[str, Callable[[], object], int]] = [
        ("list_summaries(100) (first page, has the 2M)", lambda: db.list_summaries(100), repeats),
        ("list_sessions(100)", lambda: db.list_sessions(100), repeats),
        ("session_summary(2M session)", lambda: db.session_summary(big), repeats),
        ("kind_counts(2M session)", lambda: db.kind_counts(big), repeats),
        ("count_events(2M session)", lambda: db.count_events(big), repeats),
        ("seq_bounds(2M session)", lambda: db.seq_bounds(big), repeats),
        ("events_after(2M session, 1,000,000, 200)", lambda: db.events_after(big, 10**6, 200), 5),
        ("children(2M session)", lambda: db.children(big_ulid), repeats),
        ("count_sessions()", lambda: db.count_sessions(), repeats),
        ("query_summaries(100, sort=events)", lambda: db.query_summaries(100, sort="events"), 2),
        ("query_summaries(100, sort=warn)", lambda: db.query_summaries(100, sort="warn"), 2),
    ]
    for name, fn, n in cases:
        first, median = _time(fn, n)
        _row(name, first, median)


def _cache(work: Path, big: int, repeats: int) -> None:
    try:
        from store import summary_cache
    except ImportError:
        print("\nstore.summary_cache: not in this version, not measured")
        return
    print("\nsummary cache (the browser's own file; the client's database untouched)")
    print(f"  {'read':<44} {'first ms':>10} {'median ms':>10}")
    with tempfile.TemporaryDirectory(prefix="zst-bench-") as tmp:
        cache_file = Path(tmp) / "summaries.db"
        with Store.open_readonly(work) as db:
            cache = summary_cache.SummaryCache.open(cache_file)
            try:
                first, _ = _time(lambda: cache.list_summaries(db, 100), 1)
                _row("list_summaries(100), empty cache (builds it)", first, first)
                first, median = _time(lambda: cache.list_summaries(db, 100), repeats)
                _row("list_summaries(100), warm cache", first, median)
                first, median = _time(lambda: cache.kind_counts(db, big), repeats)
                _row("kind_counts(2M session), warm cache", first, median)
                first, _ = _time(lambda: cache.query_summaries(db, 100, sort="warn"), 1)
                _row("query_summaries(100, sort=warn), 10,000 new", first, first)
                first, median = _time(lambda: cache.query_summaries(db, 100, sort="warn"), 3)
                _row("query_summaries(100, sort=warn), warm cache", first, median)
                assert cache.query_summaries(db, 100, sort="warn") == db.query_summaries(
                    100, sort="warn"
                )
            finally:
                cache.close()
        with Store.open(work) as writer:
            writer.append_many(big, [("warn", f"late {i}") for i in range(1_000)])
        with Store.open_readonly(work) as db:
            cache = summary_cache.SummaryCache.open(cache_file)
            try:
                first, _ = _time(lambda: cache.list_summaries(db, 100), 1)
                _row("list_summaries(100), after 1,000 appends", first, first, "(incremental)")
                summary = cache.session_summary(db, big)
                expected = db.session_summary(big)
                assert summary == expected, (summary, expected)
            finally:
                cache.close()


def _pages(work: Path, big: int, repeats: int) -> None:
    """The app's own path: ``Catalog`` pages (counts and first prompts) as the list gets them,
    through the summary cache in a fresh cache directory, and without one."""
    from zero_session_tui.catalog import Catalog

    print("\nthe app's first list page (Catalog pager: counts + first prompts)")
    print(f"  {'read':<44} {'first ms':>10} {'median ms':>10}")
    saved = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory(prefix="zst-bench-") as tmp:
        try:
            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
            catalog = Catalog.open([work])
            try:
                assert catalog.summary_cache() is not None

                def page() -> list[Any]:
                    return catalog.pager().next_page()

                first, _ = _time(page, 1)
                _row("first page, empty cache (builds it)", first, first)
                first, median = _time(page, repeats)
                _row("first page, warm cache", first, median)
                with Store.open(work) as writer:
                    writer.append_many(big, [("warn", f"live {i}") for i in range(1_000)])
                first, _ = _time(page, 1)
                _row("first page, after 1,000 appends (live)", first, first, "(the delta)")
                with Store.open_readonly(work) as db:
                    expected = db.list_summaries(100)
                assert [item.summary for item in page()] == expected
            finally:
                catalog.close()
            blocked = Path(tmp) / "blocked"
            blocked.write_text("a file where the cache directory would be")
            os.environ["XDG_CACHE_HOME"] = str(blocked)
            catalog = Catalog.open([work])
            try:
                assert catalog.summary_cache() is None
                first, median = _time(lambda: catalog.pager().next_page(), repeats)
                _row("first page, no usable cache (direct query)", first, median)
            finally:
                catalog.close()
        finally:
            if saved is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_reads", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="calls per read (default 5)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    source = ensure_database()
    with tempfile.TemporaryDirectory(prefix="zst-bench-") as tmp:
        work = Path(tmp) / "sessions.db"
        _copy(source, work)
        before, size_before = _master(work)
        print(f"\ndatabase: {size_before / 1e6:.0f} MB, {SESSIONS:,} sessions")
        opened = time.perf_counter()
        Store.open(work).close()
        open_ms = (time.perf_counter() - opened) * 1000
        after, size_after = _master(work)
        added = [entry[1] for entry in after if entry not in before]
        print(
            f"Store.open: {open_ms:.0f} ms; added to sqlite_master: {added or 'nothing'};"
            f" file grew by {(size_after - size_before) / 1e6:.1f} MB"
        )
        with Store.open_readonly(work) as db:
            session = db.get_session_by_ulid(_ulid(BIG_INDEX))
            assert session is not None
            print()
            _reads(db, session.id, session.ulid, args.repeats)
        _cache(work, session.id, args.repeats)
        _pages(work, session.id, args.repeats)
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
