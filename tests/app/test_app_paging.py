"""The replay pane reads only what is on screen: keyset pages of at most PAGE_SIZE events,
never the whole session, and it keeps at most MAX_PAGES pages however far one scrolls."""

from __future__ import annotations

import threading
import traceback

import pytest

from store import Store
from tests.app.harness import SIZE, open_big, replay_lines, settle, wait_until
from zero_session_tui import timeline as timeline_module
from zero_session_tui.timeline import MAX_PAGES, PAGE_SIZE

BIG_COUNT = 20_000


class ReadLog:
    """Every event read the app asks of ``store``, from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages: list[tuple[int, int]] = []  # (after seq, limit) of each events_after
        self.callers: list[str] = []  # who asked, for failure messages
        self.bulk: list[str] = []  # calls that would read a whole session

    def count(self) -> int:
        with self.lock:
            return len(self.pages)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> ReadLog:
    log = ReadLog()
    events_after = Store.events_after

    def counted(self, session_id, seq, limit, *args, **kwargs):
        caller = " < ".join(f.name for f in reversed(traceback.extract_stack(limit=5)[:-1]))
        with log.lock:
            log.pages.append((seq, limit))
            log.callers.append(caller)
        return events_after(self, session_id, seq, limit, *args, **kwargs)

    monkeypatch.setattr(Store, "events_after", counted)
    for name in ("iter_events", "list_events"):
        original = getattr(Store, name)

        def bulk(self, *args, _name=name, _original=original, **kwargs):
            with log.lock:
                log.bulk.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Store, name, bulk)
    return log


def _pages_held(app) -> int:
    timeline = app.replay.timeline
    return sum(timeline.has_page(page) for page in range(BIG_COUNT // PAGE_SIZE + 1))


async def test_opening_a_20000_event_session_reads_a_couple_of_pages(
    app_factory, big_db, reads: ReadLog
):
    app = app_factory(big_db, args=["--no-live"])  # reads of the pane only
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        assert app.replay.timeline.count == BIG_COUNT
        assert app.replay.cursor == BIG_COUNT - 1
        # The page of the last event and the one before it, and the first page (read ahead
        # for Home / g); nothing else.
        assert 1 <= reads.count() <= 3, reads.pages
        assert all(limit <= PAGE_SIZE for _, limit in reads.pages)
        assert max(after for after, _ in reads.pages) < BIG_COUNT
        near_end = [after for after, _ in reads.pages if after > 0]
        assert min(near_end) >= BIG_COUNT - 2 * PAGE_SIZE - 1
        assert [after for after, _ in reads.pages if after == 0] in ([], [0])
        assert _pages_held(app) <= 3
        assert reads.bulk == []


async def test_jumping_around_keeps_at_most_max_pages(
    app_factory, big_db, reads: ReadLog, monkeypatch: pytest.MonkeyPatch
):
    # The bound itself: a few thousand events in memory, whatever the session's size.
    assert MAX_PAGES * PAGE_SIZE <= 10_000
    # A smaller bound for the test, so it is passed with a dozen jumps (same code path).
    kept = 6
    monkeypatch.setattr(timeline_module, "MAX_PAGES", kept)
    app = app_factory(big_db, args=["--no-live"])  # reads of the pane only
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        replay = app.replay
        before = reads.count()
        await pilot.press("g")
        await settle(pilot)
        assert reads.count() == before  # page 0 was read ahead when the session opened
        assert replay.timeline.cached(0) is not None
        # Visit more places than the pages kept, far apart.
        visited = 2 * kept
        stops = [1 + n * (BIG_COUNT // visited) for n in range(visited)]
        timeline = replay.timeline
        for seq in stops:
            assert replay.jump_to_seq(seq)
            await wait_until(
                pilot,
                lambda: timeline.cached(replay.cursor) is not None and not replay._pending,
                f"the page of seq {seq}",
            )
            line = replay.render_line(replay.cursor - replay.scroll_offset.y).text
            assert line.rstrip().endswith(f"event number {seq}")
            assert _pages_held(app) <= kept
        # Each stop shows about a screen: one or two pages read, never the session.
        visits = len(stops) + 1
        assert reads.count() - before <= 2 * visits
        rows_read = sum(limit for _, limit in reads.pages)
        assert rows_read <= (2 * visits + 2) * PAGE_SIZE < BIG_COUNT
        assert _pages_held(app) == kept
        assert reads.bulk == []


async def test_holding_page_down_reads_each_page_once(app_factory, big_db, reads: ReadLog):
    app = app_factory(big_db, args=["--no-live"])  # reads of the pane only
    async with app.run_test(size=SIZE) as pilot:
        await open_big(pilot)
        await pilot.press("g")
        await settle(pilot)
        before = reads.count()
        presses = PAGE_SIZE // 15 + 1  # over a page (17 rows a screen on 36 lines)
        await pilot.press(*["pagedown"] * presses)
        await settle(pilot)
        replay = app.replay
        step = replay.scrollable_content_region.height - 1
        assert replay.cursor == presses * step
        assert replay.cursor > PAGE_SIZE
        pages_crossed = replay.cursor // PAGE_SIZE + 1
        afters = [after for after, _ in reads.pages[before:]]
        assert len(afters) == len(set(afters))  # no page read twice
        assert len(afters) <= pages_crossed
        assert not any(line.strip() == "" for line in replay_lines(app))
