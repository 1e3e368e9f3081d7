"""The timeline strip (issue 13) under the replay pane: drawn once its worker has read the
session's bins (empty until then), coloured by each bucket's most severe kind, with the head,
the rows on screen, bookmarks and mode changes marked; } and { step between markers (warn,
alert, mode change, bookmark), > and < between alerts, T switches buckets between time and
seq, a click seeks; a live session's bins are brought up to date from their last bin on.

The session used is ALL_KINDS (16 events, 7 s apart): warnings at seqs 6, 9, 12, mode changes
at 7 and 13, the one alert at 10."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from store import EventKind, Store
from store.annotations import Annotations
from tests.app.harness import ALL_KINDS, OPEN, SIZE, settle, wait_until
from tests.features._feature_support import notices, open_and_settle, wait_for_notice
from zero_session_tui import locations, strip_bins
from zero_session_tui.widgets.timeline_strip import (
    HEAD_MARK,
    MODE_MARK,
    STRIP_BOOKMARK_MARK,
    TimelineStrip,
)


def _seed_bookmark(db: Path, ulid: str, seq: int) -> None:
    clock = lambda: datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # noqa: E731
    with Annotations.open(locations.annotations_file(), clock=clock) as notes:
        notes.set_note(str(db.resolve()), ulid, seq, None)


def _strip_rows(app) -> list[str]:
    strip = app.main.query_one(TimelineStrip)
    return [strip.render_line(y).text for y in range(2)]


async def _opened(pilot, ulid: str = ALL_KINDS) -> None:
    app = pilot.app
    await open_and_settle(pilot, ulid)
    await wait_until(pilot, lambda: app.timeline_strip.bins is not None, "the strip's bins")
    await settle(pilot)


def _seq(app) -> int | None:
    return app.replay.cursor_event_seq()


async def test_the_strip_draws_the_session_over_the_pane_width(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        strip = app.main.query_one(TimelineStrip)
        cells = strip.view.cells
        assert len(cells) == strip.size.width == SIZE[0] - 2
        assert sum(c.count for c in cells if c.count) >= 16  # a bin drawn over several cells
        kinds = [c.kind for c in cells]
        assert kinds[0] == "system"
        assert "alert" in kinds
        assert "warn" in kinds
        assert "mode_change" in kinds
        assert cells[-1].head
        assert not cells[0].head
        assert all(c.window for c in cells)  # 16 rows: all on screen
        bars, marks = _strip_rows(app)
        assert bars.strip()
        assert HEAD_MARK in marks
        assert MODE_MARK in marks
        assert strip.view.mode == "time"
        for y in (0, 1):  # neighbouring cells of one look share a segment (one colour code)
            segments = list(strip.render_line(y))
            assert len(segments) < len(cells)
            assert all(a.style != b.style for a, b in pairwise(segments))


async def test_the_window_band_follows_a_scroll_without_the_cursor(app_factory, big_db):
    from tests.app.harness import BIG

    app = app_factory(big_db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot, BIG)
        strip = app.main.query_one(TimelineStrip)
        assert strip.view.cells[-1].window
        assert not strip.view.cells[0].window
        app.replay.scroll_to(y=0, animate=False, immediate=True)
        await wait_until(pilot, lambda: strip.view.cells[0].window, "the band at the start")
        assert not strip.view.cells[-1].window
        assert strip.view.cells[-1].head  # the cursor stayed on the last event


async def test_a_move_that_changes_no_cell_does_not_redraw_the_strip(
    app_factory, big_db, monkeypatch
):
    """Every cursor key repainted the strip (two rows, a style lookup per cell): now a move
    whose head and band stay in the same cells leaves it as drawn; one that leaves them
    redraws it."""
    from tests.app.harness import BIG

    app = app_factory(big_db, args=["--session", BIG, "--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot, BIG)
        strip = app.main.query_one(TimelineStrip)
        shown: list[object] = []
        real = strip.show
        monkeypatch.setattr(strip, "show", lambda view: (shown.append(view), real(view)))
        await pilot.press("k")  # one row up in a session of thousands: the same cell
        await settle(pilot)
        assert shown == []
        await pilot.press("home")
        await settle(pilot)
        assert len(shown) == 1
        assert strip.view.cells[0].head


async def test_right_and_left_curly_brackets_step_between_markers(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        await pilot.press("home")
        for expected in (6, 7, 9, 10, 12, 13):
            await pilot.press("right_curly_bracket")
            await wait_until(pilot, lambda e=expected: _seq(app) == e, f"seq {expected}")
        assert "mode change" in str(app.replay.border_subtitle)
        await pilot.press("right_curly_bracket")
        await wait_for_notice(pilot, "No marker after seq 13")
        assert _seq(app) == 13
        await pilot.press("left_curly_bracket")
        await wait_until(pilot, lambda: _seq(app) == 12, "seq 12")
        assert "warn" in str(app.replay.border_subtitle)


async def test_markers_include_the_sessions_bookmarks(app_factory, fixture_db):
    _seed_bookmark(fixture_db, ALL_KINDS, 3)
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        await wait_until(pilot, lambda: 3 in app.bookmarks.marks, "the bookmarks read")
        assert STRIP_BOOKMARK_MARK in _strip_rows(app)[1]
        assert sum(c.bookmark for c in app.main.query_one(TimelineStrip).view.cells) >= 1
        await pilot.press("home", "right_curly_bracket")
        await wait_until(pilot, lambda: _seq(app) == 3, "the bookmark at seq 3")
        assert "bookmark" in str(app.replay.border_subtitle)
        await pilot.press("right_curly_bracket")
        await wait_until(pilot, lambda: _seq(app) == 6, "the warning at seq 6")
        await pilot.press("left_curly_bracket")
        await wait_until(pilot, lambda: _seq(app) == 3, "back to the bookmark")


async def test_greater_and_less_than_signs_jump_between_alerts(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        await pilot.press("home", "greater_than_sign")
        await wait_until(pilot, lambda: _seq(app) == 10, "the alert at seq 10")
        assert "alert" in str(app.replay.border_subtitle)
        await pilot.press("greater_than_sign")
        await wait_for_notice(pilot, "No alert after seq 10")
        await pilot.press("end", "less_than_sign")
        await wait_until(pilot, lambda: _seq(app) == 10, "back to the alert")
        await pilot.press("less_than_sign")
        await wait_for_notice(pilot, "No alert before seq 10")
        assert _seq(app) == 10


async def test_jumps_skip_kinds_the_replay_hides(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        await pilot.press("4")  # warnings hidden
        await wait_until(pilot, lambda: app.replay.timeline.kinds is not None, "the filter")
        await settle(pilot)
        await pilot.press("home", "right_curly_bracket")
        await wait_until(pilot, lambda: _seq(app) == 7, "the mode change at seq 7")
        await pilot.press("5")  # alerts hidden too
        await wait_until(
            pilot, lambda: "alert" not in (app.replay.timeline.kinds or {"alert"}), "the filter"
        )
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await wait_for_notice(pilot, "No alerts shown")


async def test_T_switches_buckets_between_time_and_seq(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        strip = app.main.query_one(TimelineStrip)
        await pilot.press("T")
        await wait_for_notice(pilot, "Timeline strip by seq")
        await wait_until(pilot, lambda: app.timeline_strip.bins is not None, "the seq bins")
        await settle(pilot)
        assert app.timeline_strip.bins.mode == "seq"
        assert strip.view.mode == "seq"
        # By seq, 16 events over 118 cells: every cell has an event.
        assert all(c.count for c in strip.view.cells)
        await pilot.press("T")
        await wait_for_notice(pilot, "Timeline strip by time")
        await wait_until(pilot, lambda: app.timeline_strip.bins is not None, "the time bins")
        assert app.timeline_strip.bins.mode == "time"


async def test_a_click_on_a_cell_puts_the_replay_there(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        strip = app.main.query_one(TimelineStrip)
        cells = strip.view.cells
        alert = next(i for i, c in enumerate(cells) if c.kind == "alert")
        await pilot.click(TimelineStrip, offset=(1 + alert, 0))  # 1: the strip's padding
        await wait_until(pilot, lambda: _seq(app) == 10, "the alert's seq")
        assert app.focused is app.replay
        await pilot.click(TimelineStrip, offset=(1, 1))
        await wait_until(pilot, lambda: _seq(app) == 1, "the first seq")


async def test_a_live_session_is_read_again_from_its_last_bin_on(
    app_factory, fixture_db, monkeypatch
):
    priors: list[bool] = []
    original = strip_bins.read_bins

    def spy(store, key, prior=None, more=None):
        priors.append(prior is not None)
        return original(store, key, prior, more)

    monkeypatch.setattr(strip_bins, "read_bins", spy)
    app = app_factory(fixture_db, args=["--session", OPEN])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot, OPEN)
        assert app.timeline_strip.bins.through_seq == 3
        with Store.open(fixture_db) as store:
            row = store.get_session_by_ulid(OPEN)
            store.append_many(row.id, [(EventKind.ALERT, f"alert {n}") for n in range(40)])
        await wait_until(
            pilot,
            lambda: (
                app.timeline_strip.bins is not None and app.timeline_strip.bins.through_seq == 43
            ),
            "the new events counted",
        )
        assert priors[0] is False
        assert priors[-1] is True
        assert sum(s.count for s in app.timeline_strip.bins.stats if s is not None) == 43


async def test_the_keys_are_in_the_help_and_the_palette(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await _opened(pilot)
        wanted = {
            "Next marker",
            "Previous marker",
            "Next alert",
            "Previous alert",
            "Timeline strip by time/seq",
        }
        helped = {
            binding.description
            for _, bindings in app.keys.help_groups()
            for binding in bindings
            if not isinstance(binding, tuple)
        }
        assert wanted <= helped
        assert wanted <= {command.title for command in app.keys.system_commands()}
        await pilot.press("question_mark")
        await settle(pilot)
        from tests.app.harness import screen_text

        text = screen_text(app)
        for _page in range(6):  # the keys fill more than a screen: read it page by page
            app.screen.query_one("#help").scroll_page_down(animate=False)
            await settle(pilot)
            text += screen_text(app)
        assert "Next marker" in text
        assert "Previous alert" in text
        assert not [n for n in notices(app) if n[0] == "error"]


def test_snapshot_timeline_strip(snap_compare, app_factory, fixture_db):
    """ALL_KINDS by time: the alert (red) and the warnings (yellow) in their buckets, both
    mode changes marked, the head on the alert after ``>`` from the first event, and the
    rows on screen (all 16) underlined."""

    async def run_before(pilot) -> None:
        await _opened(pilot)
        await pilot.press("home", "greater_than_sign")
        await wait_until(pilot, lambda: _seq(pilot.app) == 10, "the alert")
        await settle(pilot)

    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
