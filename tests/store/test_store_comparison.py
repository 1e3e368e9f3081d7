"""``store.comparison``: what side by side compares, read from a database written with plain
SQL as the Rust client (or a hand-made file) could have it: seqs with a gap and below 1, a
kind this code does not know, a BLOB text, invalid UTF-8."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from _store_support import insert_events, insert_session, make_rust_db

from store import Store
from store.comparison import Compared, compared_after, first_unequal
from store.sql import MAX_SEQ, MIN_SEQ

AT = "2026-11-24T19:07:20.123456789+00:00"


def _db(path: Path) -> tuple[Path, int]:
    make_rust_db(path, kind_check=False)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        sid = insert_session(conn, "01HQP0000000000000000000AA", AT)
        insert_events(conn, sid, [(AT, "system", f"event {n}") for n in range(1, 6)])
        rows = [
            (sid, 0, AT, "prompt", "seq zero"),
            (sid, 9, AT, "mystery", "after a gap, an unknown kind"),
            (sid, 10, AT, "system", b"\xde\xad\xbe\xef"),
            (sid, 11, AT, "warn", "replaced below by invalid UTF-8"),
        ]
        conn.executemany(
            "INSERT INTO events (session_id, seq, at, kind, text) VALUES (?,?,?,?,?)", rows
        )
        conn.execute("UPDATE events SET text = CAST(? AS TEXT) WHERE seq = 11", (b"caf\xc3 x",))
    finally:
        conn.close()
    return path, sid


def test_pages_follow_the_seqs_with_their_gaps_and_the_stored_values(tmp_path):
    path, sid = _db(tmp_path / "rust.db")
    with Store.open_readonly(path) as store:
        everything = compared_after(store, sid, MIN_SEQ - 1, 100)
        assert [row.seq for row in everything] == [0, 1, 2, 3, 4, 5, 9, 10, 11]
        assert everything[0] == Compared(0, "prompt", "seq zero")
        assert everything[6] == Compared(9, "mystery", "after a gap, an unknown kind")
        assert everything[7].text == b"\xde\xad\xbe\xef"  # a BLOB, compared as stored
        assert isinstance(everything[8].text, str)  # invalid UTF-8 read, never a failure
        assert [row.seq for row in compared_after(store, sid, 3, 2)] == [4, 5]
        assert [row.seq for row in compared_after(store, sid, 5, 2)] == [9, 10]
        assert compared_after(store, sid, 11, 10) == []
        assert compared_after(store, sid, MAX_SEQ, 10) == []
        assert compared_after(store, sid + 1, 0, 10) == []  # no such session


def test_first_unequal_pairs_by_seq_offset_and_a_missing_partner_differs(tmp_path):
    path, sid = _db(tmp_path / "rust.db")
    with Store.open_readonly(path) as store:
        assert first_unequal(store, sid, sid, 0, 0, 12) is None  # a session is its own equal
        assert first_unequal(store, sid, sid, 0, 5, 5) is None  # an empty range
        # seq n beside seq n + 1: 1 vs 2 differ at once
        assert first_unequal(store, sid, sid, 1, 1, 5) == (1, 2)
        # seq 5 beside seq 6, which is missing (a gap): a difference, no partner
        assert first_unequal(store, sid, sid, 1, 5, 6) == (5, None)
        # the BLOB and the invalid UTF-8 text compare equal to themselves, by value
        assert first_unequal(store, sid, sid, 0, 10, 12) is None
