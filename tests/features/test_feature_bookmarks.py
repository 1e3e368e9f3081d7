"""Bookmarks and notes on events (issue 13): m toggles a bookmark on the replay cursor's
event, M edits its note, ] and [ step between the session's bookmarks, B lists every
bookmark across sessions (orphans included) and Enter opens one; exports include them; an
unusable annotations file is said once and the browser still works."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable, TextArea

from store import Store
from store.annotations import Annotations
from tests.app.harness import (
    ALL_KINDS,
    PARENT,
    SIZE,
    screen_text,
    settle,
    shown_ulid,
    ulid_at,
    wait_until,
)
from tests.features._feature_support import notices, open_and_settle, wait_for_notice
from zero_session_tui import locations
from zero_session_tui.screens.bookmarks import BookmarksScreen
from zero_session_tui.screens.note import NoteScreen
from zero_session_tui.widgets.event_line import BOOKMARK_MARK

ORPHAN = ulid_at(datetime(2026, 11, 19, 8, 0, tzinfo=UTC), "0RPHAN01")
GONE_DB = "/nowhere/gone/sessions.db"
OTHER = ulid_at(datetime(2026, 11, 18, 8, 0, tzinfo=UTC), "0THERDB1")


def _key(db: Path) -> str:
    return str(db.resolve())


def _seed(db: Path, marks: list[tuple[str, str, int, str | None]]) -> None:
    """Bookmarks written before the app starts, as another browser would have."""
    clock = lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # noqa: E731
    with Annotations.open(locations.annotations_file(), clock=clock) as notes:
        for where, ulid, seq, note in marks:
            notes.set_note(_key(db) if where == "here" else where, ulid, seq, note)


def _saved(db: Path, ulid: str) -> dict[int, str | None]:
    with Annotations.open(locations.annotations_file()) as notes:
        return notes.session_bookmarks(_key(db), ulid)


def _row_text(app, seq: int) -> str:
    replay = app.replay
    row = replay.timeline.row_of_seq(seq)
    return str(replay.render_line(row - replay.scroll_offset.y).text)


async def test_m_toggles_a_bookmark_drawn_after_the_seq(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("home", "down", "down", "down", "down")  # seq 5
        await pilot.press("m")
        await wait_for_notice(pilot, "Bookmarked seq 5")
        assert _row_text(app, 5).startswith(f" 5{BOOKMARK_MARK}")
        assert not _row_text(app, 4).startswith(f" 4{BOOKMARK_MARK}")
        assert _saved(fixture_db, ALL_KINDS) == {5: None}
        await pilot.press("m")
        await wait_for_notice(pilot, "Removed the bookmark on seq 5")
        assert _row_text(app, 5).startswith(" 5 ")
    assert _saved(fixture_db, ALL_KINDS) == {}


async def test_M_saves_a_multi_line_note_kept_after_a_restart(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("home", "down", "down")  # seq 3
        await pilot.press("M")
        await wait_until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note dialog")
        app.screen.query_one(TextArea).insert("why the quote\nwas late")
        await pilot.press("ctrl+s")
        await wait_for_notice(pilot, "Note saved on seq 3")
        assert _row_text(app, 3).startswith(f" 3{BOOKMARK_MARK}")
    assert _saved(fixture_db, ALL_KINDS) == {3: "why the quote\nwas late"}

    again = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with again.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await wait_until(pilot, lambda: 3 in again.bookmarks.marks, "the bookmarks read")
        await pilot.press("home", "down", "down", "M")
        await wait_until(pilot, lambda: isinstance(again.screen, NoteScreen), "the note dialog")
        assert again.screen.query_one(TextArea).text == "why the quote\nwas late"
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
    assert _saved(fixture_db, ALL_KINDS) == {3: "why the quote\nwas late"}


async def test_brackets_step_between_the_sessions_bookmarks(app_factory, fixture_db):
    _seed(fixture_db, [("here", ALL_KINDS, 3, None), ("here", ALL_KINDS, 10, "the alert")])
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await wait_until(pilot, lambda: len(app.bookmarks.marks) == 2, "the bookmarks read")
        await pilot.press("end", "left_square_bracket")
        assert app.replay.cursor_event_seq() == 10
        assert "bookmark 2 of 2: the alert" in str(app.replay.border_subtitle)
        await pilot.press("left_square_bracket")
        assert app.replay.cursor_event_seq() == 3
        await pilot.press("left_square_bracket")
        await wait_for_notice(pilot, "No bookmark before seq 3")
        assert app.replay.cursor_event_seq() == 3
        await pilot.press("right_square_bracket")
        assert app.replay.cursor_event_seq() == 10
        await pilot.press("right_square_bracket")
        await wait_for_notice(pilot, "No bookmark after seq 10")


async def test_b_shows_only_this_sessions_bookmarks_with_their_events(app_factory, fixture_db):
    _every_bookmark(fixture_db)
    _seed(fixture_db, [("here", ALL_KINDS, 9, None)])
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await wait_until(pilot, lambda: len(app.bookmarks.marks) == 2, "the bookmarks read")
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        screen = app.screen
        assert [(r.ulid, r.seq) for r in screen.rows] == [(ALL_KINDS, 4), (ALL_KINDS, 9)]
        with Store.open_readonly(fixture_db) as store:
            event = store.event_at(store.get_session_by_ulid(ALL_KINDS).id, 9)
        assert screen.rows[1].event.startswith(f"{event.kind_label}: {event.text[:20]}")
        text = screen_text(app)
        assert f"Bookmarks in {ALL_KINDS} (2)" in text
        assert PARENT[-6:] not in text
        assert "orphaned" not in text
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, BookmarksScreen), "closed")
        assert app.replay.cursor_event_seq() == 9
        assert app.replay.has_focus


async def test_x_masks_a_secret_pasted_in_a_note_and_keeps_the_bookmark(
    app_factory, fixture_db, zero_home, tmp_path, monkeypatch
):
    from zero_session_tui.screens.export_format import ExportFormatScreen
    from zero_session_tui.screens.redaction_review import RedactionReviewScreen

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    key = "AKIAIOSFODNN7EXAMPLE"
    _seed(fixture_db, [("here", ALL_KINDS, 4, f"the key was {key}")])
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await wait_until(pilot, lambda: len(app.bookmarks.marks) == 1, "the bookmarks read")
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportFormatScreen), "formats")
        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(app.screen, RedactionReviewScreen), "review")
        assert [r.seq for r in app.screen.redactions] == [4]
        await pilot.press("enter")
        await wait_for_notice(pilot, "Exported to ")
    records = [
        json.loads(line)
        for line in (zero_home / "exports" / f"{ALL_KINDS}.jsonl").read_text().splitlines()
    ]
    (marked,) = [r for r in records if "bookmark" in r]
    assert marked["seq"] == 4
    assert marked["bookmark"]["note"].startswith("the key was ")
    assert key not in json.dumps(records)


def _every_bookmark(db: Path) -> None:
    _seed(
        db,
        [
            ("here", ALL_KINDS, 4, "check the quote\nsecond line not listed"),
            ("here", PARENT, 2, None),
            ("here", ORPHAN, 7, "its session was deleted"),
            (GONE_DB, OTHER, 1, "a database not open"),
        ],
    )


async def test_a_long_note_is_in_view_and_the_list_never_scrolls_sideways(app_factory, fixture_db):
    """The note is the user's own words: at 80 columns a 150-character note and its event
    are both cut to their columns (with an ellipsis), not run off the edge behind a
    horizontal scroll bar as when the columns sized themselves to their longest cell."""
    long_note = "re-check the fill price against the venue report " * 3
    _seed(fixture_db, [("here", ALL_KINDS, 4, long_note)])
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.max_scroll_x == 0
        assert table.virtual_size.width <= table.scrollable_content_region.width
        text = screen_text(app)
        assert "re-check the \u2026" in text  # the note's cut is shown, not hidden


async def test_B_lists_every_bookmark_orphans_included_and_Enter_opens_one(app_factory, fixture_db):
    _every_bookmark(fixture_db)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        screen = app.screen
        assert [(r.ulid, r.seq, r.key is None) for r in screen.rows] == [
            (PARENT, 2, False),
            (ALL_KINDS, 4, False),
            (ORPHAN, 7, True),
            (OTHER, 1, True),
        ]
        text = screen_text(app)
        assert text.count("orphaned") == 2
        assert "check the quote" in text
        assert "second line not listed" not in text
        with Store.open_readonly(fixture_db) as store:  # seq 4's own time, from the client's DB
            at = store.event_at(store.get_session_by_ulid(ALL_KINDS).id, 4).at
        assert at.strftime("%Y-%m-%d %H:%M:%S") in text
        await pilot.press("down", "enter")  # a session in the open database
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
        await settle(pilot)
        assert app.replay.cursor_event_seq() == 4
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        await pilot.press("enter")  # PARENT, first
        await wait_until(pilot, lambda: shown_ulid(app) == PARENT, "the parent session")
        await settle(pilot)
        assert app.replay.cursor_event_seq() == 2
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        await pilot.press("down", "down", "enter")  # an orphan: said, nothing opened
        await wait_for_notice(pilot, "is orphaned")
        assert shown_ulid(app) == PARENT


async def test_exports_include_bookmarks_and_notes(app_factory, fixture_db, zero_home):
    _seed(fixture_db, [("here", ALL_KINDS, 4, "check\nthe quote"), ("here", ALL_KINDS, 6, None)])
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        await wait_until(pilot, lambda: len(app.bookmarks.marks) == 2, "the bookmarks read")
        await pilot.press("E")
        await wait_for_notice(pilot, ".jsonl")
        await pilot.press("e")
        await wait_for_notice(pilot, ".md")
    exports = zero_home / "exports"
    records = [
        json.loads(line) for line in (exports / f"{ALL_KINDS}.jsonl").read_text().splitlines()
    ]
    marked = {r["seq"]: r["bookmark"] for r in records if "bookmark" in r}
    assert marked == {4: {"note": "check\nthe quote"}, 6: {"note": None}}
    markdown = (exports / f"{ALL_KINDS}.md").read_text()
    assert markdown.count("- bookmark") == 2
    assert "- bookmark: check\n  the quote\n" in markdown
    head, _, rest = markdown.partition("### 4 ")
    assert "- bookmark" not in head
    assert rest.index("- bookmark: check") < rest.index("### 5 ")


async def test_a_corrupt_annotations_file_is_said_once_and_the_browser_still_works(
    app_factory, fixture_db
):
    path = locations.annotations_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not an sqlite file " * 200)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        _, message = await wait_for_notice(pilot, "Bookmarks are off")
        assert "\n" not in message
        assert str(path) in message
        assert "corrupt" in message
        await pilot.press("m", "end", "M", "left_square_bracket")
        await settle(pilot)
        assert not isinstance(app.screen, NoteScreen)
        assert sum("Bookmarks are off" in text for _, text in notices(app)) == 1
        await pilot.press("k", "k", "j")  # the replay still answers
        assert app.replay.cursor_event_seq() == 15
    assert path.read_bytes() == b"not an sqlite file " * 200  # never rewritten


def test_snapshot_bookmark_list(snap_compare, app_factory, fixture_db):
    """B over four bookmarks: two in the open database (with the event's time and the
    note's first line), one whose session was deleted and one in a database not open, both
    orphaned."""
    _every_bookmark(fixture_db)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS, "--no-live"])

    async def run_before(pilot) -> None:
        await open_and_settle(pilot, ALL_KINDS)
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), "the list")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 4

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
