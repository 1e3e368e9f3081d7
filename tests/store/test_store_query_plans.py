"""Every read uses an index the client's own schema has, and never one of ours: this package
adds nothing to the client's database (``Store.open`` of these databases leaves
``sqlite_master`` as it was). The SQL each operation really runs is captured with
``Store.set_trace`` and put through ``EXPLAIN QUERY PLAN`` on databases with 200 sessions and
20,000 events, made by this package and shaped like the Rust client's.

The client's schema gives three indexes: ``events UNIQUE (session_id, seq)``
(``sqlite_autoindex_events_1``), ``sessions.ulid UNIQUE`` (``sqlite_autoindex_sessions_1``)
and ``milestones.key`` (its primary key), besides each table's rowid. ``USES`` says which one
each read uses; the test fails when its plan does not name it.

Scans allowed, each for a reason (``SCANS``):
- The sessions table (``SCAN s``, with a temp B-tree to sort it): the list in any order,
  a keyset page, ``children`` (``parent_ulid`` has no index), a search of sessions (``LIKE``),
  a filtered count. The client has no index on ``started_at`` or ``parent_ulid``, and sessions
  are few: one per client run (10,000 sessions scan and sort in about 8 ms,
  ``bench.store_reads``). ``count_sessions`` counts them on the smallest index.
- The events table only for ``search_events`` over all sessions (``SCAN e``): ``LIKE
  '%needle%'`` has no index (the app searches through ``search_index.py``, its own FTS5
  file). The scan walks the rowid b-tree newest first and stops after ``limit`` hits, so it
  must use no temp B-tree: a sort would read every matching row before returning the first.

Temp B-trees allowed (``SORTS``): sorting the sessions scanned; grouping one session's
events by kind (``kind_counts``, ``kind_delta``: one row per kind); ordering by id the
matches within one session (``search_one_session``). ``max_event_id`` is ``SEARCH events``
with no index named: ``MAX(id)`` is one step to the end of the rowid b-tree.

The variant "rust-no-unique" is a schema without ``UNIQUE (session_id, seq)``, so with no
index on events at all. It is kept to show what degrades there (``DEGRADED_WITHOUT_UNIQUE``):
every read within one session becomes a scan of events (and so does the client's own
``append``). The reads over sessions, by ULID, by event id, and the all-sessions search are
unchanged. The test checks that list both ways: each read named does scan events there, and
every other read follows the rules above.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _store_support import KINDS, make_rust_db, table_rows, tracer

from store import EventKind, SessionFilter, Store
from store.comparison import compared_after, first_unequal
from store.forks import ancestors, children_of, fork_points
from store.overview import read_overview

SESSIONS = 200
T_FORK = datetime(2026, 11, 24, 19, 7, 30, tzinfo=UTC)  # inside every session's events
EVENTS_PER_SESSION = 100
VARIANTS = ("python", "rust", "rust-no-unique")

EVENTS_SEQ = r"sqlite_autoindex_events_1 \(session_id="  # UNIQUE (session_id, seq)
SESSIONS_ULID = r"sqlite_autoindex_sessions_1"  # sessions.ulid UNIQUE
MILESTONES_KEY = r"sqlite_autoindex_milestones_1"  # milestones.key PRIMARY KEY
ROWID = r"INTEGER PRIMARY KEY"

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
    "session_page": lambda db: db.session_page(20),
    "session_page_before": lambda db: db.session_page(20, before=db.get_session(100)),
    "query_summaries": lambda db: db.query_summaries(20, 20, sort="warn"),
    "query_sessions": lambda db: db.query_sessions(20, 20, sort="cli"),
    "session_summary": lambda db: db.session_summary(5),
    "seq_bounds": lambda db: db.seq_bounds(5),
    "events_after": lambda db: db.events_after(5, 10, 20),
    "compared_after": lambda db: compared_after(db, 5, 10, 20),
    "first_unequal": lambda db: first_unequal(db, 5, 6, 0, 1, 80),
    "events_before": lambda db: db.events_before(5, 50, 20),
    "event_at": lambda db: db.event_at(5, 50),
    "iter_events": lambda db: list(db.iter_events(5, page=40)),
    "list_seqs": lambda db: db.list_seqs(5, ["warn"]),
    "kind_counts": lambda db: db.kind_counts(5),
    "kind_delta": lambda db: db.kind_delta(5),
    "kind_delta_since": lambda db: db.kind_delta(5, (50, 450)),
    "last_events": lambda db: db.last_events([1, 5, 9]),
    "first_prompt": lambda db: db.first_prompt(5),
    "search_all_sessions": lambda db: db.search_events("line 5 "),
    "search_all_sessions_before": lambda db: db.search_events("line 5 ", before_id=10_000),
    "search_one_session": lambda db: db.search_events("line 5 ", session_id=7),
    "hits_by_id": lambda db: db.hits_by_id([5, 9]),
    "max_event_id": lambda db: db.max_event_id(),
    "find_event_forward": lambda db: db.find_event(5, "line 5 ", 10),
    "find_event_back": lambda db: db.find_event(5, "line 5 ", 90, forward=False),
    "children": lambda db: db.children("01HQP00049"),
    "fork_ancestors": lambda db: ancestors(db, "01HQP00100", 30),
    "fork_children": lambda db: children_of(db, ["01HQP00049", "01HQP00099"], 200),
    "fork_points": lambda db: fork_points(db, [(50, T_FORK), (100, T_FORK)]),
    "search_sessions": lambda db: db.search_sessions("P0001", 20),
    "count_sessions": lambda db: db.count_sessions(),
    "count_sessions_live": lambda db: db.count_sessions(SessionFilter(status="live")),
    "overview": lambda db: read_overview(db, SessionFilter(cli_version="0."), UTC),
}
WRITES: dict[str, Op] = {
    "append": lambda db: db.append(5, EventKind.SYSTEM, "one more"),
    "append_many": lambda db: db.append_many(6, [(EventKind.WARN, "a"), (EventKind.ALERT, "b")]),
    "end_session": lambda db: db.end_session(8),
    "delete_session": lambda db: db.delete_session(SESSIONS),
}
# The client index each operation uses (its plan must name it); None: sessions alone, scanned.
USES: dict[str, str | None] = {
    "list_events": EVENTS_SEQ,
    "list_sessions": None,
    "last_session": None,
    "get_session_by_ulid": SESSIONS_ULID,
    "get_session": ROWID,
    "count_events": EVENTS_SEQ,
    "get_milestone": MILESTONES_KEY,
    "list_summaries": EVENTS_SEQ,  # the counts and last time of each session listed
    "list_summaries_before": EVENTS_SEQ,
    "session_page": None,
    "session_page_before": ROWID,  # the cursor row's started_at
    "query_summaries": EVENTS_SEQ,
    "query_sessions": None,
    "session_summary": EVENTS_SEQ,
    "seq_bounds": EVENTS_SEQ,
    "events_after": EVENTS_SEQ,
    "compared_after": EVENTS_SEQ,  # side by side: a page of (seq, kind, text)
    "first_unequal": EVENTS_SEQ,  # a range of one session, a seek into the other's per row
    "events_before": EVENTS_SEQ,
    "event_at": EVENTS_SEQ,
    "iter_events": EVENTS_SEQ,
    "list_seqs": EVENTS_SEQ,
    "kind_counts": EVENTS_SEQ,
    "kind_delta": EVENTS_SEQ,
    "kind_delta_since": EVENTS_SEQ,
    "last_events": EVENTS_SEQ,
    "first_prompt": EVENTS_SEQ,
    "search_all_sessions": ROWID,  # each hit's session
    "search_all_sessions_before": ROWID,  # rowid < before_id, newest first
    "search_one_session": EVENTS_SEQ,
    "hits_by_id": ROWID,
    "max_event_id": None,
    "find_event_forward": EVENTS_SEQ,
    "find_event_back": EVENTS_SEQ,
    "children": None,
    "fork_ancestors": SESSIONS_ULID,  # each parent by its ULID
    "fork_children": ROWID,  # the forks shown, by rowid, after a scan for the whole level
    "fork_points": EVENTS_SEQ,  # each parent's range of (session_id, seq)
    "search_sessions": EVENTS_SEQ,
    "count_sessions": SESSIONS_ULID,
    "count_sessions_live": EVENTS_SEQ,  # each open session's last event
    "overview": EVENTS_SEQ,  # each listed session's events, by its range of the index
    "append": EVENTS_SEQ,
    "append_many": EVENTS_SEQ,
    "end_session": ROWID,
    "delete_session": EVENTS_SEQ,
}
SESSION_SCAN = r"SCAN s"
SESSION_LISTS = {
    "list_sessions",
    "last_session",
    "list_summaries",
    "list_summaries_before",
    "session_page",
    "session_page_before",
    "query_summaries",
    "query_sessions",
    "children",
    "search_sessions",
}
SCANS: dict[str, str] = {
    **dict.fromkeys(SESSION_LISTS, SESSION_SCAN),
    "count_sessions_live": SESSION_SCAN,  # a filtered count: every session is looked at
    "count_sessions": rf"SCAN sessions USING COVERING INDEX {SESSIONS_ULID}",
    # The recursive walk reads its own queue (``up``, a few rows) and a constant first row;
    # every parent is a SEARCH by ULID.
    "fork_ancestors": r"SCAN (CONSTANT ROW|up)",
    # Sessions scanned twice (``parent_ulid`` has no index): ranked per parent (x), counted
    # per parent (y); then the ranked and counted rows (subqueries, c), never a table.
    "fork_children": r"SCAN (x|y|c|r|\(subquery-\d+\))",
    "search_all_sessions": r"SCAN e",  # LIKE '%needle%': the one inherent scan of events
    "first_prompt": r"SCAN [fw]",  # the first 64 events (read through the index), one row
    # Sessions scanned (the list's filter, or all of them on the smallest index), then the
    # prompts' first words in steps of their own (p, q, r) and the grouped rows (subqueries).
    "overview": rf"SCAN (s|p|q|r|\(subquery-\d+\))( USING COVERING INDEX {SESSIONS_ULID})?",
}
SORTS = SESSION_LISTS | {"kind_counts", "kind_delta", "kind_delta_since", "search_one_session"}
SORTS |= {"overview"}  # grouped by minute of the start, and by first word
SORTS |= {"fork_ancestors", "fork_children"}  # by depth (a few rows); forks ranked per parent
PARAMETER_LIST = re.compile(r"SCAN json_each VIRTUAL TABLE INDEX \d+:")  # ids passed as JSON
NO_INDEX_NAMED = {"max_event_id"}  # "SEARCH events": MAX(id), one step of the rowid b-tree
DEGRADED_WITHOUT_UNIQUE = {
    "list_events",
    "count_events",
    "list_summaries",
    "list_summaries_before",
    "query_summaries",
    "session_summary",
    "seq_bounds",
    "events_after",
    "compared_after",
    "first_unequal",
    "events_before",
    "event_at",
    "iter_events",
    "list_seqs",
    "kind_counts",
    "kind_delta",
    "kind_delta_since",
    "last_events",
    "first_prompt",
    "search_one_session",
    "find_event_forward",
    "find_event_back",
    "search_sessions",
    "count_sessions_live",
    "overview",
    "append",
    "append_many",
    "delete_session",
    "fork_points",
}
EVENTS_SCAN = re.compile(r"(SCAN|SEARCH) (e|x|events)")  # the whole line: no index named
# or an index SQLite builds for one statement by scanning events (the overview's join)
EVENTS_SCAN = re.compile(rf"{EVENTS_SCAN.pattern}( USING AUTOMATIC (PARTIAL )?COVERING INDEX .*)?")
PLANNED = ("SELECT", "DELETE", "UPDATE")
PLANNED = (*PLANNED, "WITH")  # a recursive walk (fork_ancestors) starts with its CTE


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
        master = table_rows(path, "sqlite_master")
        Store.open(path).close()
        assert table_rows(path, "sqlite_master") == master  # opening added nothing
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


def _check(name: str, plans: list[tuple[str, list[str]]], *, degraded: bool = False) -> None:
    """The rules of the module's docstring; ``degraded``: events have no index (allowed to
    scan them, and required to: the list of degraded reads must be exact)."""
    lines = [line for _, plan in plans for line in plan]
    for sql, plan in plans:
        assert plan, sql
        for line in plan:
            assert "zst_" not in line, f"{name}: {line!r} uses an index of ours in {sql}"
            if degraded and EVENTS_SCAN.fullmatch(line):
                continue
            if PARAMETER_LIST.fullmatch(line):
                continue
            if line.startswith("SCAN "):
                allowed = SCANS.get(name)
                assert allowed is not None, f"{name}: full scan {line!r} in {sql}"
                assert re.fullmatch(allowed, line), f"{name}: unexpected {line!r} in {sql}"
            if line.startswith("SEARCH ") and " USING " not in line:
                assert name in NO_INDEX_NAMED, f"{name}: {line!r} names no index in {sql}"
            if "TEMP B-TREE" in line and not degraded:
                assert name in SORTS, f"{name}: {line!r} in {sql}"
    if degraded:
        assert any(EVENTS_SCAN.fullmatch(line) for line in lines), f"{name}: {lines}"
        return
    uses = USES[name]
    if uses is not None:
        assert any(re.search(uses, line) for line in lines), f"{name} does not use {uses}: {lines}"


def test_every_operation_is_accounted_for() -> None:
    names = set(READS) | set(WRITES)
    assert set(USES) == names
    assert set(SCANS) <= names
    assert names >= SORTS
    assert names >= DEGRADED_WITHOUT_UNIQUE


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", list(READS))
def test_reads_use_the_clients_indexes(databases: dict[str, Path], variant: str, name: str) -> None:
    with Store.open_readonly(databases[variant]) as db:
        plans = _plans(db, READS[name])
    _check(name, plans, degraded=variant == "rust-no-unique" and name in DEGRADED_WITHOUT_UNIQUE)
    if name.startswith("search_all_sessions"):
        # the one inherent scan must stream newest-first, never sort
        assert all("TEMP B-TREE" not in line for _, plan in plans for line in plan)


@pytest.mark.parametrize("variant", VARIANTS)
def test_write_lookups_use_the_clients_indexes(databases: dict[str, Path], variant: str) -> None:
    with Store.open(databases[variant]) as db:
        for name, op in WRITES.items():
            degraded = variant == "rust-no-unique" and name in DEGRADED_WITHOUT_UNIQUE
            _check(name, _plans(db, op), degraded=degraded)


def test_the_scan_is_really_flagged(databases: dict[str, Path]) -> None:
    # The checks above rely on SQLite saying "SCAN e" for a full scan: prove they would fire.
    with Store.open_readonly(databases["python"]) as db:
        plan = db.query_plan("SELECT * FROM events e WHERE e.text = ?", ("x",))
    assert plan == ["SCAN e"]
    with pytest.raises(AssertionError, match="full scan"):
        _check("list_events", [("SELECT * FROM events e WHERE e.text = 'x'", plan)])
    with pytest.raises(AssertionError, match="does not use"):
        _check("get_session_by_ulid", [("SELECT ...", ["SEARCH s USING INTEGER PRIMARY KEY"])])


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_the_clients_indexes_exist(databases: dict[str, Path], variant: str) -> None:
    conn = sqlite3.connect(f"file:{databases[variant]}?mode=ro", uri=True)
    try:
        indexes = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type='index'"))
    finally:
        conn.close()
    # Every index comes from a UNIQUE or PRIMARY KEY of the client's tables; none is ours.
    expected = {
        "sqlite_autoindex_sessions_1": "sessions",
        "sqlite_autoindex_milestones_1": "milestones",
    }
    if variant != "rust-no-unique":
        expected["sqlite_autoindex_events_1"] = "events"
    assert {k: v for k, v in indexes.items() if "refinery" not in v} == expected
