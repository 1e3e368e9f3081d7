"""The main screen's footer (``widgets/key_footer.py``): the keys of the pane with the focus,
as many as fit, the help and quit keys and the palette always; a click presses a key."""

from __future__ import annotations

import pytest

from tests.app.harness import ALL_KINDS, ready, screen_text, shown_ulid, wait_until
from zero_session_tui.widgets.key_footer import FooterItem, KeyFooter, fit_items


async def _footer(app, pilot, focus: str) -> str:
    (app.table if focus == "list" else app.replay).focus()
    await pilot.pause()
    await pilot.pause()
    return screen_text(app).splitlines()[-1]


async def test_each_pane_shows_the_keys_that_apply_there(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
        await ready(pilot)
        listed = await _footer(app, pilot, "list")
        for shown in ("\u23ce Open", "R Name", "# Tags", "V Side by side", "/ Search"):
            assert shown in listed, listed
        assert "m Bookmark" not in listed, listed
        assert "Marker" not in listed, listed
        replayed = await _footer(app, pilot, "replay")
        for shown in ("space Play/pause", "/ Find", "m Bookmark", "} { Marker"):
            assert shown in replayed, replayed
        assert "R Name" not in replayed, replayed
        assert "/ Search" not in replayed, replayed
        for footer in (listed, replayed):
            assert "tab Switch pane" in footer, footer
            assert "q Quit  ? Keys" in footer, footer
            assert footer.rstrip().endswith("\u258f^p palette"), footer


@pytest.mark.parametrize("focus", ["list", "replay"])
async def test_a_narrow_footer_leaves_out_the_last_declared_keys_first(
    app_factory, fixture_db, focus
):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
        await ready(pilot)
        footer = await _footer(app, pilot, focus)
        assert len(footer) <= 80
        first = "\u23ce Open" if focus == "list" else "space Play/pause"
        kept = [first, "tab Switch pane", "q Quit", "? Keys", "^p palette"]
        for shown in kept:
            assert shown in footer, footer
        gone = "V Side by side" if focus == "list" else "} { Marker"
        assert gone not in footer, footer


async def test_a_click_on_a_key_presses_it(app_factory, fixture_db):
    app = app_factory(fixture_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        footer = await _footer(app, pilot, "list")
        column = footer.index("? Keys")
        await pilot.click(KeyFooter, offset=(column + 1, 0))
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "the keys")


def _item(description: str, order: tuple[int, int] | None) -> FooterItem:
    return FooterItem((("x", "x"),), description, True, order)


def test_items_are_left_out_furthest_down_their_owners_list_first_the_screens_on_a_tie():
    items = [
        _item("open", (0, 0)),
        _item("name", (1, 0)),
        _item("tags", (2, 0)),
        _item("switch", (0, 1)),
        _item("search", (1, 1)),
        _item("wrap", (2, 1)),
        _item("quit", None),
        _item("keys", None),
    ]
    width = sum(item.width for item in items)
    assert fit_items(items, width) == items
    left = [item.description for item in fit_items(items, width - 1)]
    assert left == ["open", "name", "tags", "switch", "search", "quit", "keys"]
    left = [item.description for item in fit_items(items, width - items[5].width - 1)]
    assert left == ["open", "name", "switch", "search", "quit", "keys"]
    assert [i.description for i in fit_items(items, 0)] == ["quit", "keys"]
