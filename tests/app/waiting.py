"""Waiting for the app without sleeping: until workers are done, the rows on screen are read,
or a condition holds; the only limit is a generous watchdog."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from textual.css.query import NoMatches
from textual.worker import WorkerCancelled

WATCHDOG_S = 60.0
"""Seconds before a test gives up (the async test runner in conftest.py uses it too)."""


async def drain(app: Any) -> None:
    """Wait for the workers running now. One cancelled because a newer one replaced it
    (``exclusive=True``) is normal; a failed one raises."""
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


async def wait_until(
    pilot: Any, condition: Callable[[], bool], what: str, *, workers: bool = True
) -> None:
    """Let the app run (workers, timers, messages) until ``condition()`` holds.

    Polls between short pauses; the only limit is a generous watchdog, so a slow machine is
    never a failure, and a condition that never holds fails with its name. ``workers=False``
    does not wait for running workers between polls (for a test that holds one back)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + WATCHDOG_S / 2

    def holds() -> bool:
        try:
            return condition()
        except NoMatches:  # the screen is not composed yet
            return False

    while not holds():
        if loop.time() > give_up:
            raise AssertionError(f"gave up waiting for {what}")
        if workers:
            await drain(pilot.app)
        await pilot.pause(0.01)


async def settle(pilot: Any) -> None:
    """Wait until no worker runs and the replay pane has every page it shows."""
    app = pilot.app
    for _ in range(2):
        await drain(app)
        await pilot.pause()

    def quiet() -> bool:
        replay = app.replay
        if replay._pending or any(worker.is_running for worker in app.workers):
            return False
        timeline = replay.timeline
        if timeline is None:
            return True
        top = replay.scroll_offset.y
        bottom = min(top + replay.scrollable_content_region.height, replay.rows)
        return all(timeline.cached(row) is not None for row in range(top, bottom))

    await wait_until(pilot, quiet, "workers and the rows on screen to be read")
    await pilot.pause()


async def ready(pilot: Any, *, preview: bool = True) -> None:
    """Wait for the list's first page and (unless ``preview`` is False) the preview of the
    session under the cursor."""
    app = pilot.app
    await wait_until(pilot, lambda: app.table.total is not None, "the first page of sessions")
    if preview:
        await wait_until(pilot, lambda: app.state.shown_key is not None, "the preview of a session")
    await settle(pilot)


async def show_session(pilot: Any, ulid: str) -> None:
    """Move the list cursor to ``ulid`` (with the arrow keys) and wait for its preview."""
    app = pilot.app
    rows = [item.session.ulid for item in app.table.items]
    steps = rows.index(ulid) - app.table.cursor_row
    await pilot.press(*(["down"] * steps if steps >= 0 else ["up"] * -steps))
    await wait_until(pilot, lambda: shown_ulid(app) == ulid, f"the preview of {ulid}")
    await settle(pilot)


def shown_ulid(app: Any) -> str | None:
    timeline = app.replay.timeline
    return None if timeline is None else str(timeline.session.ulid)
