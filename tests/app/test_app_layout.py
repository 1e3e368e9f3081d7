"""The screen at 80x24 and 120x36: what must fit (the bar, the footer, the filter dialog)."""

from __future__ import annotations

import pytest

from tests.app.harness import ready, screen_text, wait_until


async def test_the_filter_dialog_and_its_buttons_fit_an_80x24_terminal(app_factory, fixture_db):
    from textual.widgets import Button

    app = app_factory(fixture_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.table.focus()
        await pilot.press("F")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "FilterScreen", "filter")
        await pilot.pause()
        screen_box = app.screen.region
        for button in app.screen.query(Button):
            assert screen_box.contains_region(button.region), button.id
            assert button.region.height >= 1, button.id
        assert "Apply" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
@pytest.mark.parametrize("focus", ["list", "replay"])
async def test_the_kind_bar_and_the_footer_fit(app_factory, fixture_db, size, focus):
    app = app_factory(fixture_db)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        (app.table if focus == "list" else app.replay).focus()
        await pilot.pause()
        bar, footer = screen_text(app).splitlines()[-2:]
        assert "6 \u21c4" in bar, bar  # the last kind and its count are on screen
        assert bar.rstrip()[-1].isdigit(), bar
        assert "? Keys" in footer, footer
        assert footer.rstrip().endswith("^p palette"), footer
        if size[0] >= 120:
            assert "mode_change" in bar, bar  # names shown when they fit
