"""The app's Textual-free core and its one thread helper, tested without the app: the
browsing state, what the live follow reads, and ``run_in_thread``'s staleness rule."""

from __future__ import annotations

import threading

from textual.app import App

from store import SessionError
from tests.app.harness import ALL_KINDS, ALL_KINDS_EVENTS
from zero_session_tui.browsing import BrowsingState
from zero_session_tui.catalog import Catalog, SessionKey
from zero_session_tui.follow_reads import (
    Followed,
    SessionGone,
    SessionGrew,
    grown_shape,
    read_followed,
)
from zero_session_tui.kinds import ALL_KINDS as EVERY_KIND
from zero_session_tui.timeline import TimelineShape
from zero_session_tui.workers import run_in_thread


def test_hiding_every_kind_then_showing_them_again_means_all_kinds() -> None:
    state = BrowsingState()
    for kind in sorted(EVERY_KIND):
        state.toggle_kind(kind)
    assert state.kinds == frozenset()
    state.toggle_kind("warn")
    assert state.kinds == frozenset({"warn"})
    for kind in sorted(EVERY_KIND - {"warn"}):
        state.toggle_kind(kind)
    assert state.kinds is None


def test_a_session_gone_leaves_nothing_shown_or_wanted() -> None:
    state = BrowsingState(wanted_key=SessionKey(0, 1), shown_key=SessionKey(0, 1))
    state.showing(SessionKey(0, 1), read_seq=9)
    state.counted_seq = 9
    state.forget_shown()
    assert (state.wanted_key, state.shown_key, state.read_seq, state.counted_seq) == (None,) * 4


def test_grown_rows_after_a_gap_keep_every_seq() -> None:
    shape = grown_shape(TimelineShape(1, 3, 3), [5, 6])
    assert (shape.first_seq, shape.last_seq, shape.count) == (1, 6, 5)
    assert shape.seqs is not None
    assert list(shape.seqs) == [1, 2, 3, 5, 6]
    assert grown_shape(TimelineShape(1, 3, 3), [4]) == TimelineShape(1, 4, 4)


def _followed(catalog: Catalog, read_seq: int, counted_seq: int) -> Followed:
    found = catalog.find_ulid(ALL_KINDS)
    assert found is not None
    key, session = found
    return Followed(
        key, ALL_KINDS, session, TimelineShape(1, read_seq, read_seq), None, read_seq, counted_seq
    )


def test_the_follow_reads_only_the_events_after_the_last_seq_seen(fixture_db) -> None:
    catalog = Catalog.open([fixture_db])
    grew = read_followed(catalog, _followed(catalog, read_seq=12, counted_seq=10))
    assert isinstance(grew, SessionGrew)
    total = len(ALL_KINDS_EVENTS)
    assert (grew.shape.last_seq, grew.shape.count, grew.read_to) == (total, total, total)
    after_ten = [kind.value for kind, _ in ALL_KINDS_EVENTS[10:]]
    assert grew.new_counts == {k: after_ten.count(k) for k in set(after_ten)}
    assert read_followed(catalog, _followed(catalog, total, total)) is None  # nothing new


def test_the_follow_says_a_deleted_session_is_gone(fixture_db) -> None:
    catalog = Catalog.open([fixture_db])
    followed = _followed(catalog, read_seq=3, counted_seq=3)
    with catalog.writer(0) as store:
        assert store.delete_session_by_ulid(ALL_KINDS)
    assert read_followed(catalog, followed) == SessionGone(followed.key, ALL_KINDS)


async def test_a_thread_result_is_applied_only_while_it_is_still_wanted() -> None:
    app: App[None] = App()
    applied: list[str] = []
    stale: list[str] = []
    failed: list[Exception] = []
    threads: set[int] = set()
    notices: list[object] = []

    def job(value: str) -> str:
        threads.add(threading.get_ident())
        if value == "boom":
            raise SessionError("the disk went away")
        return value

    async with app.run_test() as pilot:
        app.notify = lambda message, **options: notices.append(options["title"])  # type: ignore[method-assign]
        wanted = "b"
        for value in ("a", "b", "boom"):
            run_in_thread(
                app.screen,
                lambda value=value: job(value),  # type: ignore[misc]
                applied.append,
                group=value,
                failure="Cannot read",
                failed=failed.append,
                wanted=lambda result: result == wanted,
                stale=lambda: stale.append("dropped"),
            )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert applied == ["b"]
        assert stale == ["dropped"]
        assert [str(error) for error in failed] == ["the disk went away"]
        assert notices == ["Cannot read"]
        assert threading.get_ident() not in threads
