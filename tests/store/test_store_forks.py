"""Fork relations read in a bounded number of statements (``store.forks``): ancestors in one,
the forks of many sessions in one, the fork points of many forks in one, on databases
written with plain ``sqlite3`` the way the Rust client shapes them, cycles and
self-parents included (plain SQL can write them; the client never checks)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from _store_support import make_rust_db, tracer

from store import Store
from store.forks import ancestors, children_of, fork_points

T0 = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)


def _stamp(minutes: float, offset_hours: int = 0) -> str:
    """T0 + ``minutes`` in RFC 3339: ``Z`` in UTC, else written with that offset."""
    moment = T0 + timedelta(minutes=minutes)
    if not offset_hours:
        return moment.isoformat().replace("+00:00", "Z")
    return moment.astimezone(timezone(timedelta(hours=offset_hours))).isoformat()


def _db(path: Path, sessions: Iterable[tuple[str, float, str | None]]) -> Path:
    """A Rust-shaped database holding ``(ulid, start in minutes, parent ulid)`` sessions."""
    make_rust_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO sessions (ulid, started_at, cli_version, parent_ulid)"
            " VALUES (?, ?, '0.3.0', ?)",
            [(ulid, _stamp(start), parent) for ulid, start, parent in sessions],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def _events(path: Path, session_id: int, stamps: Iterable[str]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?, ?, ?, 'system', 'x')",
            [(session_id, seq, at) for seq, at in enumerate(stamps, start=1)],
        )
    finally:
        conn.close()


def _counted(store: Store) -> list[str]:
    statements, record = tracer()
    store.set_trace(record)
    return statements


def test_ancestors_run_from_the_session_to_its_oldest_parent_in_one_statement(
    tmp_path: Path,
) -> None:
    path = _db(tmp_path / "a.db", [("ROOT", 0, None), ("MID", 1, "ROOT"), ("LEAF", 2, "MID")])
    with Store.open_readonly(path) as store:
        statements = _counted(store)
        chain = ancestors(store, "LEAF", 10)
        assert [s.ulid for s in chain] == ["LEAF", "MID", "ROOT"]
        assert len(statements) == 1
        assert [s.ulid for s in ancestors(store, "LEAF", 1)] == ["LEAF", "MID"]
        assert ancestors(store, "NOPE", 10) == []


def test_ancestors_end_at_a_cycle_a_self_parent_or_a_missing_parent(tmp_path: Path) -> None:
    path = _db(
        tmp_path / "c.db",
        [("A", 0, "B"), ("B", 1, "A"), ("SELF", 2, "SELF"), ("ORPHAN", 3, "GONE")],
    )
    with Store.open_readonly(path) as store:
        assert [s.ulid for s in ancestors(store, "A", 200)] == ["A", "B"]
        assert [s.ulid for s in ancestors(store, "B", 200)] == ["B", "A"]
        assert [s.ulid for s in ancestors(store, "SELF", 200)] == ["SELF"]
        assert [s.ulid for s in ancestors(store, "ORPHAN", 200)] == ["ORPHAN"]


def test_children_of_many_sessions_are_one_statement_with_the_first_and_the_count(
    tmp_path: Path,
) -> None:
    sessions = [("P1", 0, None), ("P2", 0.5, None), ("LONE", 0.7, None)]
    # Inserted newest first: the order shown is by start, not by row id.
    sessions += [(f"C1-{n:02d}", 50 - n, "P1") for n in range(30)]
    sessions += [("C2-a", 5, "P2"), ("SELF", 6, "SELF")]
    path = _db(tmp_path / "k.db", sessions)
    with Store.open_readonly(path) as store:
        statements = _counted(store)
        found = children_of(store, ["P1", "P2", "LONE", "SELF", "NOPE"], 4)
        assert len(statements) == 1
        assert set(found) == {"P1", "P2", "SELF"}
        assert [s.ulid for s in found["P1"].first] == ["C1-29", "C1-28", "C1-27", "C1-26"]
        assert (found["P1"].total, found["P1"].more) == (30, 26)
        assert [s.ulid for s in found["P2"].first] == ["C2-a"]
        assert found["P2"].more == 0
        assert [s.ulid for s in found["SELF"].first] == ["SELF"]  # its own fork, as stored
        # The same oldest-first order as ``children``.
        assert [s.ulid for s in store.children("P1")][:4] == [s.ulid for s in found["P1"].first]
        # A limit of 0 counts without rows.
        counted = children_of(store, ["P1"], 0)
        assert (counted["P1"].first, counted["P1"].total) == ((), 30)
        statements.clear()
        assert children_of(store, [], 5) == {}
        assert statements == []


STAMPS = [
    _stamp(1),
    _stamp(2, offset_hours=5),  # another offset: compared as instants
    "not a time",  # passed over, as seq_at_or_before passes it
    _stamp(4),
    _stamp(3.5),  # back in time: the first stamp after a moment ends the walk
    _stamp(6),
    "2026-13-45T99:00:00Z",  # shaped like a stamp, not one
    _stamp(8),
]


@pytest.mark.parametrize(
    "minutes", [-5, 0, 1, 1.5, 2, 3, 3.7, 4, 5, 6, 7, 8, 9, 60], ids=lambda m: f"t{m}"
)
def test_fork_points_agree_with_seq_at_or_before(tmp_path: Path, minutes: float) -> None:
    path = _db(tmp_path / "f.db", [("P", 0, None), ("Q", 0, None)])
    _events(path, 1, STAMPS)
    _events(path, 2, [_stamp(10), _stamp(11)])
    moment = T0 + timedelta(minutes=minutes)
    with Store.open_readonly(path) as store:
        statements = _counted(store)
        points = fork_points(store, [(1, moment), (2, moment), (3, moment)])
        assert len(statements) == 1
        assert points[1, moment] == store.seq_at_or_before(1, moment)
        assert points[2, moment] == store.seq_at_or_before(2, moment)
        assert points[3, moment] is None  # no such session: no events


def test_fork_points_of_many_forks_of_one_parent_are_one_statement(tmp_path: Path) -> None:
    path = _db(tmp_path / "m.db", [("P", 0, None)])
    _events(path, 1, [_stamp(n) for n in range(500)])
    moments = [T0 + timedelta(minutes=n * 0.37, seconds=1) for n in range(2_000)]
    with Store.open_readonly(path) as store:
        statements = _counted(store)
        points = fork_points(store, [(1, m) for m in moments])
        assert len(statements) == 1
        sample = moments[::97]
        assert [points[1, m] for m in sample] == [store.seq_at_or_before(1, m) for m in sample]
        assert fork_points(store, []) == {}
