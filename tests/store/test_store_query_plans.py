"""Every read (and the writes' lookups) uses an index: the SQL each operation really runs is
captured with ``Store.set_trace`` and put through ``EXPLAIN QUERY PLAN`` on databases with
200 sessions and 20,000 events, made by this package and shaped like the Rust client's.

Allowed exceptions, each for a reason:
- ``search_events`` over all sessions is ``SCAN e``: ``LIKE '%needle%'`` cannot use an index
  (there is no full-text index in the Rust schema, and this package adds none). The scan walks
  the rowid b-tree newest first and stops after ``limit`` hits, so it must use no temp B-tree:
  a sort would read every matching row before returning the first.
- ``list_sessions`` / ``list_summaries`` walk ``zst_sessions_started`` backwards
  (``SCAN s USING INDEX``) and stop after ``limit`` rows; a page with ``before`` is a SEARCH.
- ``children`` and one-session ``search_events`` sort their (already index-selected) rows in a
  temp B-tree: the rows of one parent, or the matches within one session.
- ``count_sessions`` counts every session; it does so on the smallest covering index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _store_support import KINDS, index_names, make_rust_db, tracer

from store import EventKind, Store

SESSIONS = 200
EVENTS_PER_SESSION = 100
VARIANTS = ("python", "rust", "rust-no-unique")

Op = Callable[[Store], object]
READS: dict[str, Op] = {
    "list_events": lambda db: db.list_events(50, 20),
    "list_sessions": lambda db: db.list_sessions(20),
    "last_session": lambda db: db.last_session(),
    "get_session_by_ulid": lambda db: db.get_session_by_ulid("01HQP00050"),
    "get_session": lambda db: db.get_session(5),
    "count_events": lambda db: db.count_events(5),
    "get_milestone": lambda db: db.get_milestone("welcome_shown"),
    "list_summaries": lambda db: db.list_summaries(20),
    "list_summaries_before": lambda db: db.list_summaries(20, before=db.get_session(100)),
    "session_summary": lambda db: db.session_summary(5),
    "seq_bounds": lambda db: db.seq_bounds(5),
    "events_after": lambda db: db.events_after(5, 10, 20),
    "events_before": lambda db: db.events_before(5, 50, 20),
    "event_at": lambda db: db.event_at(5, 50),
    "iter_events": lambda db: list(db.iter_events(5, page=40)),
    "kind_counts": lambda db: db.kind_counts(5),
    "search_all_sessions": lambda db: db.search_events("line 5 "),
    "search_all_sessions_before": lambda db: db.search_events("line 5 ", before_id=10_000),
    "search_one_session": lambda db: db.search_events("line 5 ", session_id=7),
    "find_event_forward": lambda db: db.find_event(5, "line 5 ", 10),
    "find_event_back": lambda db: db.find_event(5, "line 5 ", 90, forward=False),
    "children": lambda db: db.children("01HQP00049"),
    "count_sessions": lambda db: db.count_sessions(),
}
WRITES: dict[str, Op] = {
    "append": lambda db: db.append(5, EventKind.SYSTEM, "one more"),
    "append_many": lambda db: db.append_many(6, [(EventKind.WARN, "a"), (EventKind.ALERT, "b")]),
    "end_session": lambda db: db.end_session(8),
    "delete_session": lambda db: db.delete_session(SESSIONS),
}
ALLOWED_SCANS: dict[str, str] = {
    "search_all_sessions": r"SCAN e",
    "list_sessions": r"SCAN s USING INDEX zst_sessions_started",
    "last_session": r"SCAN s USING INDEX zst_sessions_started",
    "list_summaries": r"SCAN s USING INDEX zst_sessions_started",
    "count_sessions": r"SCAN sessions USING COVERING INDEX \w+",
}
ALLOWED_SORTS = {"children", "search_one_session"}
PLANNED = ("SELECT", "DELETE", "UPDATE")


def _fill(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for s in range(SESSIONS):
            conn.execute(
                "INSERT INTO sessions (id, ulid, started_at, cli_version, parent_ulid)"
                " VALUES (?, ?, ?, '0.3.0', ?)",
                (
                    s + 1,
                    f"01HQP{s:05d}",
                    f"2026-11-{1 + s // 24:02d}T{s % 24:02d}:00:00.123456789+00:00",
                    f"01HQP{s - 1:05d}" if s % 5 == 0 and s else None,
                ),
            )
            conn.executemany(
                "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, ?, ?)",
                [
                    (s + 1, q, f"2026-11-24T19:07:{q % 60:02d}+00:00", KINDS[q % 6], f"line {q} ")
                    for q in range(1, EVENTS_PER_SESSION + 1)
                ],
            )
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("plans")
    paths = {}
    for variant in VARIANTS:
        path = root / f"{variant}.db"
        if variant == "python":
            Store.open(path).close()
            _fill(path)
        else:
            make_rust_db(path, unique_seq=variant == "rust")
            _fill(path)
            Store.open(path).close()  # adds the zst_ indexes the Rust schema lacks
        paths[variant] = path
    return paths


def _plans(db: Store, op: Op) -> list[tuple[str, list[str]]]:
    statements, record = tracer()
    db.set_trace(record)
    try:
        op(db)
    finally:
        db.set_trace(None)
    planned = [sql for sql in statements if sql.split()[0].upper() in PLANNED]
    assert planned, "the operation ran no statement to plan"
    return [(sql, db.query_plan(sql)) for sql in planned]


def _check(name: str, plans: list[tuple[str, list[str]]]) -> None:
    for sql, plan in plans:
        assert plan, sql
        for line in plan:
            if line.startswith("SCAN "):
                allowed = ALLOWED_SCANS.get(name)
                assert allowed is not None, f"{name}: full scan {line!r} in {sql}"
                assert re.fullmatch(allowed, line), f"{name}: unexpected {line!r} in {sql}"
            if "TEMP B-TREE" in line:
                assert name in ALLOWED_SORTS, f"{name}: {line!r} in {sql}"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", list(READS))
def test_reads_use_indexes(databases: dict[str, Path], variant: str, name: str) -> None:
    with Store.open_readonly(databases[variant]) as db:
        plans = _plans(db, READS[name])
    _check(name, plans)
    if name.startswith("search_all_sessions"):
        # the one inherent scan must stream newest-first, never sort
        assert all("TEMP B-TREE" not in line for _, plan in plans for line in plan)


@pytest.mark.parametrize("variant", VARIANTS)
def test_write_lookups_use_indexes(databases: dict[str, Path], variant: str) -> None:
    with Store.open(databases[variant]) as db:
        for name, op in WRITES.items():
            _check(name, _plans(db, op))


def test_the_scan_is_really_flagged(databases: dict[str, Path]) -> None:
    # The checks above rely on SQLite saying "SCAN e" for a full scan: prove they would fire.
    with Store.open_readonly(databases["python"]) as db:
        plan = db.query_plan("SELECT * FROM events e WHERE e.text = ?", ("x",))
    assert plan == ["SCAN e"]
    with pytest.raises(AssertionError, match="full scan"):
        _check("list_events", [("SELECT * FROM events e WHERE e.text = 'x'", plan)])


@pytest.mark.parametrize("variant", VARIANTS)
def test_indexes_added_only_where_missing(databases: dict[str, Path], variant: str) -> None:
    names = index_names(databases[variant])
    assert {"zst_events_session_kind", "zst_sessions_started", "zst_sessions_parent"} <= names
    # UNIQUE (session_id, seq) already serves (session_id, seq) lookups: no duplicate index.
    assert ("zst_events_session_seq" in names) == (variant == "rust-no-unique")
