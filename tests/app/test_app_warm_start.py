"""The app as ``main`` runs it (``make_app(..., warm=True)``): the first screen's reads start
on a thread before Textual is imported, and a ``--session`` already read is shown while the
main screen is being mounted. What the replay announces then (the bar's play state, the
strip, the bookmarks) must still reach the app: its first Changed, posted before the screen
was attached, never bubbled past the screen, and the strip stayed empty in a terminal."""

from __future__ import annotations

from datetime import UTC

from tests.app.harness import ALL_KINDS, SIZE, app_clock, screen_text, shown_ulid, wait_until
from zero_session_tui.__main__ import make_app
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args


async def test_a_session_shown_from_the_warm_start_gets_its_strip_and_bar(fixture_db):
    options = parse_args(["--db", str(fixture_db), "--session", ALL_KINDS, "--no-welcome"])
    catalog = Catalog.open(options.databases)
    try:
        app = make_app(options, catalog, clock=app_clock, tz=UTC, warm=True)
        warm = app.opener.warm
        assert warm is not None
        assert warm.session is not None
        warm.session.result(timeout=10)  # read before the screen mounts, as in a terminal
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: shown_ulid(app) == ALL_KINDS, "the session")
            await wait_until(pilot, lambda: bool(app.main.strip.view.cells), "the strip")
            await wait_until(pilot, lambda: "plays at" in screen_text(app), "the bar's play state")
    finally:
        catalog.close()
