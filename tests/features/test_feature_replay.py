"""Timed replay: PlayState's timing (pure), and the replay pane driven through an injected
scheduler, so every delay is asserted and nothing sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.app.harness import BIG, SIZE, replay_lines, settle, wait_until
from tests.features._feature_support import (
    TIMING,
    TIMING_EVENTS,
    FakeScheduler,
    bar_text,
    open_and_settle,
    reopened,
    timing_gaps,
)
from zero_session_tui.replay_timing import FRAME, MAX_BATCH, SPEEDS, PlayState

T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# ---- PlayState.delay: pure timing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "following"),
    [(None, _at(5)), (_at(5), None), (None, None)],
    ids=["previous-unknown", "next-unknown", "both-unknown"],
)
def test_unknown_times_count_as_no_gap(previous, following):
    assert PlayState().delay(previous, following) == 0.0
    assert PlayState(speed_index=1).delay(previous, following) == 0.0


def test_backwards_times_count_as_no_gap():
    assert PlayState().delay(_at(10), _at(9)) == 0.0
    assert PlayState(idle_cap=100).delay(_at(10), _at(-3600)) == 0.0


def test_the_real_gap_up_to_the_idle_cap():
    play = PlayState(idle_cap=2.0)
    assert play.delay(_at(0), _at(0)) == 0.0
    assert play.delay(_at(0), _at(0.25)) == pytest.approx(0.25)
    assert play.delay(_at(0), _at(1.999)) == pytest.approx(1.999)
    assert play.delay(_at(0), _at(2)) == pytest.approx(2.0)
    assert play.delay(_at(0), _at(3600)) == pytest.approx(2.0)
    assert PlayState(idle_cap=30).delay(_at(0), _at(12)) == pytest.approx(12.0)
    assert PlayState(idle_cap=0).delay(_at(0), _at(12)) == 0.0


@pytest.mark.parametrize(("index", "speed"), [(0, 1), (1, 2), (2, 5), (3, 10)])
def test_the_gap_is_divided_by_the_speed(index, speed):
    play = PlayState(speed_index=index, idle_cap=2.0)
    assert play.delay(_at(0), _at(1.5)) == pytest.approx(1.5 / speed)
    assert play.delay(_at(0), _at(60)) == pytest.approx(2.0 / speed)  # capped first
    assert play.batch() == 1


def test_max_speed_shows_a_batch_per_frame_whatever_the_gap():
    play = PlayState(speed_index=len(SPEEDS) - 1)
    assert play.speed is None
    assert play.speed_label == "max"
    for previous, following in [(_at(0), _at(3600)), (_at(5), _at(1)), (None, None)]:
        assert play.delay(previous, following) == FRAME
    assert play.batch() == MAX_BATCH


def test_speeds_step_through_1_2_5_10_max_and_stop_at_the_ends():
    play = PlayState()
    labels = [play.speed_label]
    for _ in range(6):
        play = play.faster()
        labels.append(play.speed_label)
    assert labels == ["1x", "2x", "5x", "10x", "max", "max", "max"]
    for _ in range(6):
        play = play.slower()
    assert play.speed_label == "1x"
    assert play.toggled().playing
    assert not play.toggled().paused().playing


# ---- the replay pane, driven by an injected scheduler -------------------------------------


async def _start(pilot, scheduler: FakeScheduler) -> None:
    await open_and_settle(pilot, TIMING)
    pilot.app.replay.scheduler = scheduler


def _expected(cap: float, speed: float = 1.0) -> list[float]:
    return [pytest.approx(max(0.0, min(gap, cap)) / speed) for gap in timing_gaps()]


async def test_space_starts_at_the_cursor_and_hides_the_rows_after_the_head(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        assert replay.rows == len(TIMING_EVENTS)
        assert replay.play_head is None
        assert "space plays at 1x" in bar_text(app)
        await pilot.press("home", "down", "down", "down")  # the cursor on seq 4
        await pilot.press("space")
        assert replay.play_head == 3
        assert replay.cursor == 3
        assert replay.play.playing
        assert replay.rows == 4
        shown = [line.strip() for line in replay_lines(app) if line.strip()]
        assert [line.split()[0] for line in shown] == ["1", "2", "3", "4"]
        assert "> /quote BTC-USD" not in "\n".join(shown)
        # The next event is 10 s later: capped at the default idle cap of 2 s.
        assert scheduler.delays == [pytest.approx(2.0)]
        assert bar_text(app).startswith("\u25b6 1x 4 / 10 \u00b7 +00:03.0")
        scheduler.fire()
        await pilot.pause()
        assert replay.play_head == 4
        assert replay.rows == 5
        assert replay.cursor == 4
        assert "> /quote BTC-USD" in replay_lines(app)[4]
        assert bar_text(app).startswith("\u25b6 1x 5 / 10 \u00b7 +00:13.0")
        # The next one is stamped a second earlier: no wait at all.
        assert scheduler.pending[0].delay == 0.0


async def test_delays_are_the_real_gaps_capped_at_the_default_idle_cap(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("space")  # at the last event: the replay starts from the first
        assert replay.play_head == 0
        assert replay.rows == 1
        heads = [replay.play_head]
        while scheduler.pending:
            scheduler.fire()
            heads.append(replay.play_head)
        await pilot.pause()
        # One event per delay, the warning and the alert included (no auto-pause).
        assert heads == list(range(len(TIMING_EVENTS)))
        assert scheduler.delays == _expected(cap=2.0)
        assert not replay.play.playing  # stopped at the end
        assert replay.rows == len(TIMING_EVENTS)
        assert bar_text(app).startswith("\u2759\u2759 1x 10 / 10 \u00b7 +00:20.0")


async def test_idle_cap_option_sets_the_longest_pause(app_factory, timing_db, scheduler):
    app = app_factory(timing_db, args=["--session", TIMING, "--idle-cap", "4"])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        assert app.replay.play.idle_cap == 4.0
        await pilot.press("space")
        while scheduler.pending:
            scheduler.fire()
        assert scheduler.delays == _expected(cap=4.0)
        assert max(scheduler.delays) == pytest.approx(4.0)


async def test_plus_and_minus_change_the_speed_of_the_next_delays(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("space")
        gaps = timing_gaps()
        assert scheduler.delays[-1] == pytest.approx(gaps[0])
        for step, (key_speed, label) in enumerate([(2, "2x"), (5, "5x"), (10, "10x")], start=1):
            await pilot.press("plus")
            assert replay.play.speed_label == label
            assert f"\u25b6 {label} " in bar_text(app)
            scheduler.fire()
            assert scheduler.delays[-1] == pytest.approx(min(gaps[step], 2.0) / key_speed)
        await pilot.press("plus")  # max: the pending advance shows a whole batch
        assert replay.play.speed_label == "max"
        assert replay.play_head == 3
        scheduler.fire()
        assert replay.play_head == len(TIMING_EVENTS) - 1  # fewer than MAX_BATCH were left
        assert not replay.play.playing
        assert not scheduler.pending
        await pilot.press("minus", "minus")
        assert replay.play.speed_label == "5x"
        await pilot.press("minus", "minus", "minus", "minus")
        assert replay.play.speed_label == "1x"


async def test_max_speed_shows_a_batch_of_events_per_frame(app_factory, big_db, scheduler):
    app = app_factory(big_db, args=["--session", BIG])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, BIG)
        replay = app.replay
        replay.scheduler = scheduler
        await pilot.press("plus", "plus", "plus", "plus")
        assert replay.play.speed_label == "max"
        await pilot.press("home")
        await settle(pilot)
        await pilot.press("space")
        heads = []
        for _ in range(3):
            assert scheduler.pending[0].delay == FRAME
            scheduler.fire()
            heads.append(replay.play_head)
        assert heads == [MAX_BATCH, 2 * MAX_BATCH, 3 * MAX_BATCH]
        assert replay.rows == 3 * MAX_BATCH + 1
        await pilot.pause()
        assert bar_text(app).startswith(f"\u25b6 max {3 * MAX_BATCH + 1} / 20,000")


async def test_full_stop_and_comma_step_one_event_and_pause(app_factory, timing_db, scheduler):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("home", "down", "down")
        await pilot.press("full_stop")  # not replaying: a plain cursor move
        assert replay.cursor == 3
        assert replay.play_head is None
        await pilot.press("space")
        assert replay.play.playing
        assert len(scheduler.pending) == 1
        await pilot.press("full_stop")
        assert not replay.play.playing
        assert not scheduler.pending
        assert replay.play_head == 4
        assert replay.rows == 5
        assert replay.cursor == 4
        await pilot.press("full_stop", "full_stop")
        assert replay.play_head == 6
        assert replay.rows == 7
        await pilot.press("comma")
        assert replay.play_head == 5
        assert replay.rows == 6
        assert replay.cursor == 5
        assert bar_text(app).startswith("\u2759\u2759 1x 6 / 10 \u00b7 +00:12.0")
        await pilot.press(*["comma"] * 6)
        assert replay.play_head == 0
        assert replay.rows == 1
        await pilot.press(*["full_stop"] * 10)
        assert replay.play_head == 9
        assert replay.rows == 10
        await pilot.press("escape")  # stop the replay: every event shows again
        assert replay.play_head is None
        assert replay.rows == len(TIMING_EVENTS)
        await pilot.pause()
        assert "space plays at 1x" in bar_text(app)


async def test_auto_pause_stops_on_warn_and_alert(app_factory, timing_db, scheduler):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("home", "a")
        assert replay.play.auto_pause
        await pilot.press("space")
        stops = []
        for _ in range(3):
            while scheduler.pending:
                scheduler.fire()
            await pilot.pause()
            stops.append((replay.play_head, replay.play.playing, bar_text(app)))
            await pilot.press("space")
        warn_row = next(n for n, e in enumerate(TIMING_EVENTS) if e[1].value == "warn")
        alert_row = next(n for n, e in enumerate(TIMING_EVENTS) if e[1].value == "alert")
        assert [(head, playing) for head, playing, _ in stops] == [
            (warn_row, False),
            (alert_row, False),
            (len(TIMING_EVENTS) - 1, False),
        ]
        assert stops[0][2].startswith("\u2759\u2759 1x 7 / 10 \u00b7 +00:12.8 \u00b7 auto-pause")
        assert stops[1][2].startswith("\u2759\u2759 1x 9 / 10 \u00b7 +00:14.5 \u00b7 auto-pause")
        assert "warn" in replay_lines(app)[warn_row]


async def test_jump_to_seq_with_colon_and_past_the_head_ends_the_replay(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("home", "space")
        scheduler.fire()
        assert replay.play_head == 1
        await pilot.press("colon")
        await wait_until(pilot, lambda: app.screen.id != "_default", "the prompt")
        await pilot.press("8", "enter")
        await settle(pilot)
        assert replay.play_head is None
        assert not scheduler.pending
        assert replay.rows == len(TIMING_EVENTS)
        assert replay.cursor_event_seq() == 8
        assert str(replay.border_subtitle) == "seq 8 \u00b7 8 of 10 events"


async def test_kind_toggles_filter_a_timed_replay_keeping_head_speed_and_state(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("home", "plus", "space")  # 2x, from the first event
        for _ in range(4):
            scheduler.fire()
        assert replay.timeline.seq_of_row(replay.play_head) == 5
        await pilot.press("2")  # commands off, while playing
        await reopened(pilot)
        # Seqs shown: 1 2 4 5 7 9 10; the head stays on seq 5, nothing after it is revealed.
        assert replay.play_head == 3
        assert replay.timeline.seq_of_row(replay.play_head) == 5
        assert replay.rows == 4
        assert replay.play.playing
        assert replay.play.speed_label == "2x"
        assert bar_text(app).startswith("\u25b6 2x 5 / 7")
        # It goes on playing the filtered rows: the next shown event is seq 7 (a warning).
        assert len(scheduler.pending) == 1
        scheduler.fire()
        assert replay.timeline.seq_of_row(replay.play_head) == 7
        await pilot.press("space")  # paused ...
        await pilot.press("2")  # ... commands back on: still paused, at seq 7, 2x
        await reopened(pilot)
        assert replay.timeline.seq_of_row(replay.play_head) == 7
        assert replay.rows == 7
        assert not replay.play.playing
        assert replay.play.speed_label == "2x"
        assert not scheduler.pending
        assert bar_text(app).startswith("\u2759\u2759 2x 7 / 10")


async def test_hiding_the_kind_of_the_head_keeps_the_last_shown_event_before_it(
    app_factory, timing_db, scheduler
):
    app = app_factory(timing_db, args=["--session", TIMING])
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, scheduler)
        replay = app.replay
        await pilot.press("home", "space")
        for _ in range(5):
            scheduler.fire()
        assert replay.cursor_event_seq() == 6  # a command
        await pilot.press("2")
        await reopened(pilot)
        assert replay.cursor_event_seq() == 5  # the prompt before it; seq 7 still hidden
        assert replay.rows == 4
        assert replay.play.playing
