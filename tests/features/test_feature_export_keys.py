"""Export from the app (e: Markdown, E: JSON Lines) under $ZERO_HOME/exports with the path
reported: every event, hostile text made inert; a failing write or read leaves nothing behind
and says so; an export never replaces an earlier one: the next one is ``<ulid>-2.md``."""

from __future__ import annotations

import errno
import json

import pytest

from store import SqliteError, Store, format_rfc3339
from tests.app.harness import (
    ALL_KINDS,
    ALL_KINDS_EVENTS,
    FORBIDDEN,
    HOSTILE,
    HOSTILE_TEXTS,
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
    real = Store.iter_events

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
        monkeypatch.setattr(Store, "iter_events", failing)
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
