"""Export (e: Markdown, E: JSON Lines) under $ZERO_HOME/exports with the path reported; a
failing write leaves nothing behind and says so. An export reads one state of the session
(its header count is its body) and never replaces an earlier export: the next one is
``<ulid>-2.md``. Every event is exported, seqs <= 0 too. Copy (c: the event's text, y:
ULID#SEQ) to the clipboard."""

from __future__ import annotations

import errno
import json
import re
import sqlite3
from pathlib import Path

import pytest

from store import SessionError, SqliteError, Store, format_rfc3339
from tests.app.harness import (
    ALL_KINDS,
    ALL_KINDS_EVENTS,
    FORBIDDEN,
    HOSTILE,
    HOSTILE_TEXTS,
    LONG,
    LONG_TEXT,
    LONG_TEXT_SEQ,
    SIZE,
    settle,
    wait_until,
)
from tests.features._feature_support import notices, open_and_settle, wait_for_notice
from zero_session_tui import export
from zero_session_tui.sanitize import inert


def _events(db, ulid: str):
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ulid)
        return session, list(store.iter_events(session.id))


async def _export(pilot, key: str) -> str:
    await pilot.press(key)
    _, message = await wait_for_notice(pilot, "Exported to ")
    return message.removeprefix("Exported to ")


@pytest.mark.parametrize("ulid", [ALL_KINDS, HOSTILE])
async def test_E_writes_json_lines_that_round_trip_every_event_and_e_markdown(
    app_factory, fixture_db, zero_home, ulid
):
    app = app_factory(fixture_db, args=["--session", ulid])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ulid)
        reported = await _export(pilot, "E")
        if ulid == ALL_KINDS:
            await pilot.press("e")
            _, message = await wait_for_notice(pilot, ".md")
            markdown_reported = message.removeprefix("Exported to ")
    path = zero_home / "exports" / f"{ulid}.jsonl"
    assert reported == str(path)
    raw = path.read_bytes()
    assert raw.isascii()  # every control or invisible character is a JSON escape
    records = [json.loads(line) for line in raw.decode().splitlines()]
    _, events = _events(fixture_db, ulid)
    assert records == [
        {
            "session_ulid": ulid,
            "seq": event.seq,
            "at": format_rfc3339(event.at),
            "kind": event.kind_label,
            "text": event.text,
        }
        for event in events
    ]
    if ulid == HOSTILE:
        assert [r["text"] for r in records[1:]] == HOSTILE_TEXTS  # byte for byte
    else:
        assert [(r["kind"], r["text"]) for r in records] == [
            (kind.value, text) for kind, text in ALL_KINDS_EVENTS
        ]
        # e, in the same run: the Markdown of an ordinary session.
        text = (zero_home / "exports" / f"{ulid}.md").read_text(encoding="utf-8")
        assert markdown_reported == str(zero_home / "exports" / f"{ulid}.md")
        assert "- started: 2026-11-20T09:00:00+00:00\n" in text
        assert "- ended: 2026-11-20T09:02:22+00:00\n" in text
        assert (
            "### 1 \u00b7 +00:07.0 \u00b7 system\n\n```text\nwelcome back; engine connected\n```"
            in text
        )
        assert "### 16 \u00b7 +01:52.0 \u00b7 system" in text
        assert text.count("### ") == 16


async def test_e_writes_markdown_with_hostile_text_made_inert(app_factory, fixture_db, zero_home):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HOSTILE)
        reported = await _export(pilot, "e")
        assert notices(app)[-1][0] == "information"
    path = zero_home / "exports" / f"{HOSTILE}.md"
    assert reported == str(path)
    text = path.read_text(encoding="utf-8")
    for character in (*FORBIDDEN, "\r", "\x08", "\x0b", "\x0c", "\x7f"):
        assert character not in text, repr(character)
    session, events = _events(fixture_db, HOSTILE)
    assert text.startswith(f"# Session {HOSTILE}\n")
    assert f"- CLI version: {inert(session.cli_version)}\n" in text
    assert f"- engine: {inert(session.engine_base_url)}\n" in text
    assert "- events: 11\n" in text
    for event in events:
        assert f"### {event.seq} \u00b7 " in text
        assert f"```text\n{inert(event.text)}\n```" in text
    # The escapes are shown, not lost: ESC as its control picture, the 8-bit CSI by its code.
    assert "\u241b[2J\u241b[H cleared?" in text
    assert "8-bit CSI \u27e89B\u27e931m" in text
    assert "user\u27e8U+202E\u27e9gnp.exe" in text
    assert "[@click=app.quit]click me[/]" in text  # markup is plain text in a file


def _no_files(zero_home) -> list[str]:
    exports = zero_home / "exports"
    return sorted(p.name for p in exports.iterdir()) if exports.exists() else []


async def test_a_failing_write_leaves_no_file_and_reports_it(
    app_factory, fixture_db, zero_home, monkeypatch
):
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("store.atomic_write.os.fsync", full)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("E")
        severity, message = await wait_for_notice(pilot, "No space left on device")
        assert severity == "error"
        assert message.startswith(f"cannot write {zero_home / 'exports' / ALL_KINDS}.jsonl")
        assert message.endswith("nothing was written")
        await settle(pilot)
        assert not any("Exported to" in m for _, m in notices(app))
    assert _no_files(zero_home) == []  # not the file, not its temp file


async def test_a_read_failing_midway_leaves_no_partial_file(
    app_factory, fixture_db, zero_home, monkeypatch
):
    real = export.all_events

    def failing(store, session_id, page=export.PAGE):
        for n, event in enumerate(real(store, session_id, page)):
            if n == 5:
                raise SqliteError("disk I/O error while reading", "SQLITE_IOERR")
            yield event

    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        # An earlier export is kept as it was.
        first = await _export(pilot, "e")
        before = (zero_home / "exports" / f"{ALL_KINDS}.md").read_bytes()
        monkeypatch.setattr(export, "all_events", failing)
        await pilot.press("e")
        severity, _message = await wait_for_notice(pilot, "disk I/O error")
        assert severity == "error"
        await pilot.press("E")
        await wait_until(
            pilot,
            lambda: sum("disk I/O error" in m for _, m in notices(app)) == 2,
            "the second error",
        )
    assert (zero_home / "exports" / f"{ALL_KINDS}.md").read_bytes() == before
    assert _no_files(zero_home) == [f"{ALL_KINDS}.md"]
    assert first.endswith(".md")


# ---- one state of the session, never over an earlier export -------------------------------

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


async def test_an_earlier_export_is_kept_and_the_next_is_named_2(
    app_factory, fixture_db, zero_home
):
    """Exporting a session twice keeps the first file byte for byte; the notice names the
    file really written."""
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    exports = zero_home / "exports"
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        first = await _export(pilot, "e")
        before = (exports / f"{ALL_KINDS}.md").read_bytes()
        await pilot.press("e")
        _, message = await wait_for_notice(pilot, "-2.md")
        await pilot.press("e")
        _, third = await wait_for_notice(pilot, "-3.md")
    assert first == str(exports / f"{ALL_KINDS}.md")
    assert message == f"Exported to {exports / f'{ALL_KINDS}-2.md'}"
    assert third == f"Exported to {exports / f'{ALL_KINDS}-3.md'}"
    assert (exports / f"{ALL_KINDS}.md").read_bytes() == before
    assert (exports / f"{ALL_KINDS}-2.md").read_bytes() == before  # the same session
    assert _no_files(zero_home) == sorted(
        [f"{ALL_KINDS}.md", f"{ALL_KINDS}-2.md", f"{ALL_KINDS}-3.md"]
    )


# ---- copy ----------------------------------------------------------------------------------


async def test_c_copies_the_event_text_and_y_the_link(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("home", "down", "down", "down", "down")  # seq 5
        await pilot.press("c")
        assert app.clipboard == "BTC-USD bid 64,210.50 ask 64,212.00"
        await wait_for_notice(pilot, "Copied the text of seq 5 (35 characters)")
        await pilot.press("y")
        assert app.clipboard == f"{ALL_KINDS}#5"
        await wait_for_notice(pilot, f"Copied {ALL_KINDS}#5")


async def test_c_copies_the_whole_of_a_long_event(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", LONG])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LONG)
        await pilot.press("up")
        assert app.replay.cursor_event_seq() == LONG_TEXT_SEQ
        await pilot.press("c")
        assert app.clipboard == LONG_TEXT  # all of it, not the lines on screen
        await wait_for_notice(pilot, f"({len(LONG_TEXT):,} characters)")
        await pilot.press("y")
        assert app.clipboard == f"{LONG}#{LONG_TEXT_SEQ}"


async def test_c_copies_hostile_text_inert(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", HOSTILE])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, HOSTILE)
        await pilot.press("home", "down", "down", "down", "down", "down")  # seq 6: CSI
        await pilot.press("c")
        # What a paste would receive: the text as the screen shows it, no escape sequence.
        assert app.clipboard == inert(HOSTILE_TEXTS[4])
        assert "\x1b" not in app.clipboard
        await wait_for_notice(pilot, "control characters as symbols")
