"""End on a long list adds the rest a chunk at a time: DataTable measures each new row on the
UI thread, so thousands of rows at once froze the keys for seconds (2.8 s for 10,000 rows,
0.4 s at most in chunks of 500; see the closing note of issue 10)."""

from __future__ import annotations

import pytest

from tests.app.harness import SIZE, ready, settle, wait_until
from zero_session_tui.controllers import session_list
from zero_session_tui.widgets.session_table import SessionTable


@pytest.fixture
def chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setattr(session_list, "ROWS_PER_CHUNK", 40)
    sizes: list[int] = []
    add_items = SessionTable.add_items

    def counted(self, items, *, complete):
        sizes.append(len(items))
        return add_items(self, items, complete=complete)

    monkeypatch.setattr(SessionTable, "add_items", counted)
    return sizes


async def test_end_adds_the_rest_of_a_long_list_in_chunks_and_lands_on_the_last(
    app_factory, many_db, chunks
):
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        await pilot.press("G")
        await wait_until(pilot, lambda: table.complete, "the whole list")
        await settle(pilot)
        assert table.row_count == 250
        assert table.cursor_row == 249
        numbers = [int(item.session.ulid[-4:]) for item in table.items]
        assert numbers == list(range(249, -1, -1))  # every session once, in order
        assert max(chunks) <= 40
        assert str(table.border_title) == "Sessions \u00b7 250"


async def test_a_reload_while_chunks_are_added_drops_the_old_rows(app_factory, many_db, chunks):
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        await pilot.press("G")
        await wait_until(pilot, lambda: len(chunks) >= 4, "some chunks", workers=False)
        await pilot.press("S")  # reverse the sort: a reload, oldest first
        await wait_until(pilot, lambda: table.row_count > 0 and table.total == 250, "reloaded")
        await settle(pilot)
        numbers = [int(item.session.ulid[-4:]) for item in table.items]
        assert numbers == sorted(numbers)  # only the new order's rows
        assert len(numbers) == len(set(numbers))
