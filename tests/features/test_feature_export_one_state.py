"""An export reads one state of the session: its header count is its body while another
connection writes (WAL: one snapshot; rollback journal: checked at the end, refused if the
session changed; the read snapshot refuses nesting and writes); the session is found by its
ULID, never a row id another session took; every event is exported, seqs <= 0 too."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from store import SessionError, Store
from zero_session_tui import export

ULID = "01JEXP0RTC0NS1STENT0000000"
STAMP = "2026-11-24T09:00:00Z"


def _plain_db(path: Path, seqs, *, journal: str = "wal") -> Path:
    """A database with one session of events at ``seqs``, written by plain SQL (as another
    program would: any seq, negative ones too); ``journal="delete"`` leaves it in
    rollback-journal mode, as plain sqlite3 makes it."""
    with Store.open(path) as store:
        store.start_session(ULID, None, "0.3.0", None)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text)"
            " SELECT id, ?, ?, 'system', ? FROM sessions WHERE ulid = ?",
            [(seq, STAMP, f"event {seq}", ULID) for seq in seqs],
        )
        conn.execute("COMMIT")
        if journal != "wal":
            assert conn.execute(f"PRAGMA journal_mode = {journal}").fetchone()[0] == journal
    finally:
        conn.close()
    return path


def _exported(path: Path) -> tuple[int, list[int]]:
    """(the header's event count, the seqs of the body) of a Markdown export."""
    text = path.read_text(encoding="utf-8")
    (count,) = re.findall(r"^- events: ([\d,]+)$", text, re.MULTILINE)
    seqs = [int(seq) for seq in re.findall(r"^### (-?\d+) \u00b7 ", text, re.MULTILINE)]
    return int(count.replace(",", "")), seqs


def _between_pages(store: Store, monkeypatch, action) -> list[int]:
    """Run ``action`` (another connection's write) after the export's first page."""
    vars(store).pop("events_after", None)  # an earlier wrapper
    real = store.events_after
    calls: list[int] = []

    def paged(session_id, seq, limit, **kwargs):
        calls.append(seq)
        if len(calls) == 2:
            action()
        return real(session_id, seq, limit, **kwargs)

    monkeypatch.setattr(store, "events_after", paged)
    return calls


def _other_connection(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)  # waits for no lock
    try:
        conn.execute("BEGIN IMMEDIATE")
        for statement in statements:
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_the_header_count_is_the_body_while_another_connection_writes(tmp_path, monkeypatch):
    """WAL: the export reads one snapshot. Between its pages another connection deletes the
    first 100 events and appends 500 (it is not blocked); the export is the session as it
    was when the export began, header and body alike."""
    db = _plain_db(tmp_path / "wal.db", range(1, 5_001))
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ULID)
        sid = session.id
        calls = _between_pages(
            store,
            monkeypatch,
            lambda: _other_connection(
                db,
                f"DELETE FROM events WHERE session_id = {sid} AND seq <= 100",
                "INSERT INTO events (session_id, seq, at, kind, text) SELECT session_id,"
                f" seq + 5000, at, kind, text FROM events WHERE session_id = {sid}"
                " AND seq <= 600",
            ),
        )
        path = export.export_markdown(store, session, tmp_path / "exports")
        assert len(calls) >= 3, "the write did not happen midway"
        assert store.count_events(sid) == 5_400  # the writer's commit is there now
    assert _exported(path) == (5_000, list(range(1, 5_001)))


def test_a_rollback_journal_database_is_exported_and_verified(tmp_path, monkeypatch):
    """Rollback journal: no read transaction is held (a writer commits between the pages
    without waiting), and the export is checked at the end against the session."""
    db = _plain_db(tmp_path / "journal.db", range(1, 5_001), journal="delete")
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ULID)
        with store.read_snapshot() as snapshot:
            assert (snapshot.held, snapshot.journal_mode) == (False, "delete")
        # Unchanged: exported whole (another connection writes between pages, elsewhere).
        _between_pages(
            store,
            monkeypatch,
            lambda: _other_connection(
                db, "INSERT INTO milestones (key, value, at) VALUES ('k', 'v', 'now')"
            ),
        )
        path = export.export_markdown(store, session, tmp_path / "exports")
        assert _exported(path) == (5_000, list(range(1, 5_001)))
        # Appended to midway: refused, nothing written, the earlier export kept.
        before = path.read_bytes()
        _between_pages(
            store,
            monkeypatch,
            lambda: _other_connection(
                db,
                "INSERT INTO events (session_id, seq, at, kind, text)"
                f" VALUES ({session.id}, 5001, '{STAMP}', 'system', 'late')",
            ),
        )
        with pytest.raises(SessionError, match="changed while it was exported") as caught:
            export.export_jsonl(store, session, tmp_path / "exports")
        assert "\n" not in str(caught.value)
        assert "nothing was written" in str(caught.value)
        # Deleted midway: says so.
        _between_pages(
            store,
            monkeypatch,
            lambda: _other_connection(
                db,
                f"DELETE FROM events WHERE session_id = {session.id}",
                f"DELETE FROM sessions WHERE id = {session.id}",
            ),
        )
        with pytest.raises(SessionError, match=f"the session {ULID} no longer exists"):
            export.export_markdown(store, session, tmp_path / "exports")
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [f"{ULID}.md"]
    assert path.read_bytes() == before


def test_events_with_a_seq_of_zero_or_below_are_exported(tmp_path):
    seqs = [-(2**63), -(2**63) + 1, -5, 0, 1, 2, 2**63 - 1]
    db = _plain_db(tmp_path / "seqs.db", seqs)
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ULID)
        markdown = export.export_markdown(store, session, tmp_path / "exports")
        jsonl = export.export_jsonl(store, session, tmp_path / "exports")
    assert _exported(markdown) == (len(seqs), seqs)
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [(r["seq"], r["text"]) for r in records] == [(seq, f"event {seq}") for seq in seqs]


def test_the_session_is_found_by_its_ulid_not_its_row_id(tmp_path):
    """Deleted after the user chose it, its row id taken by another session: the export
    says the session is gone and writes nothing, rather than export the other session."""
    db = _plain_db(tmp_path / "gone.db", range(1, 11))
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ULID)
    _other_connection(
        db,
        f"DELETE FROM events WHERE session_id = {session.id}",
        f"DELETE FROM sessions WHERE id = {session.id}",
        "INSERT INTO sessions (id, ulid, started_at, cli_version)"
        f" VALUES ({session.id}, '01JANOTHERSESS10N000000000', '{STAMP}', '0.3.0')",
    )
    with Store.open_readonly(db) as store, pytest.raises(SessionError) as caught:
        export.export_markdown(store, session, tmp_path / "exports")
    assert str(caught.value) == f"the session {ULID} no longer exists; nothing was written"
    assert not (tmp_path / "exports").exists() or not any((tmp_path / "exports").iterdir())


def test_a_snapshot_refuses_nesting_and_writes(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        sid = store.start_session(ULID, None, "0.3.0", None)
        with store.read_snapshot() as snapshot:
            assert (snapshot.held, snapshot.journal_mode) == (True, "wal")
            with pytest.raises(SessionError, match="already open"), store.read_snapshot():
                pass
            with pytest.raises(SessionError, match="cannot append an event: a read snapshot"):
                store.append(sid, "system", "refused")
            assert store.count_events(sid) == 0  # and the snapshot still reads
        store.append(sid, "system", "after the snapshot")
        assert store.count_events(sid) == 1
