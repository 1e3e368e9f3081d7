"""The list's first page goes in a screenful at a time: the rows the table shows before the
frame that shows them (DataTable measures every row added before a frame), the rest after
it, with the columns fitted to the whole page at once so that adding the rest moves none."""

from __future__ import annotations

import pytest

from tests.app.harness import SIZE, ready
from zero_session_tui.widgets.session_table import SessionTable


@pytest.fixture
def added(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, object]]:
    """(rows added, the columns' layout right after) for each ``add_items``."""
    seen: list[tuple[int, object]] = []
    add_items = SessionTable.add_items

    def counted(self, items, *, complete):
        add_items(self, items, complete=complete)
        seen.append((len(items), self._layout))

    monkeypatch.setattr(SessionTable, "add_items", counted)
    return seen


async def test_the_first_page_adds_a_screenful_then_the_rest_and_no_column_moves(
    app_factory, many_db, added
):
    app = app_factory(many_db, args=["--no-live"])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        table = app.table
        screenful = table.screenful
        assert 0 < screenful < table.row_count == 100  # the first page: 100 of 250
        # SIZE's 40 % list is a screenful: no more rows than that before the first frame.
        assert screenful == SIZE[1] * 40 // 100
        assert added[0][0] == screenful
        assert sum(size for size, _ in added) == 100
        assert {layout for _, layout in added} == {added[0][1]}  # the same widths throughout
        numbers = [int(item.session.ulid[-4:]) for item in table.items]
        assert numbers == list(range(249, 149, -1))  # newest first, each once, in order
        assert str(table.border_title) == "Sessions \u00b7 100 of 250 loaded"
