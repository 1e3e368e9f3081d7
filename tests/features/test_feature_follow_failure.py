"""A poll that fails: said once (not at every poll), the title says "not refreshed" instead of
LIVE while it lasts, and when polls work again the app says so and shows what changed."""

from __future__ import annotations

import pytest

from store import SqliteError
from tests.app.harness import LIVE, SIZE, record_notifications, wait_until
from tests.features._feature_support import open_and_settle
from zero_session_tui.change_watcher import ChangeWatcher


def _title(app) -> str:
    return str(app.replay.border_title)


async def test_a_failing_poll_is_said_once_and_the_title_says_not_refreshed(
    app_factory, fixture_db, monkeypatch: pytest.MonkeyPatch
):
    app = app_factory(fixture_db, args=["--session", LIVE])
    seen = record_notifications(app)
    failing = {"on": False, "polls": 0}
    changed = ChangeWatcher.changed

    def flaky(self):
        if failing["on"]:
            failing["polls"] += 1
            raise SqliteError("database is locked", code="SQLITE_BUSY")
        return changed(self)

    monkeypatch.setattr(ChangeWatcher, "changed", flaky)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, LIVE)
        assert _title(app).endswith("\u25cf LIVE")
        failing["on"] = True
        await wait_until(pilot, lambda: failing["polls"] >= 4, "four failed polls")
        assert _title(app).endswith("\u00b7 not refreshed")
        assert "LIVE" not in _title(app)
        errors = [n for n in seen if n.get("severity") == "error"]
        assert len(errors) == 1, errors
        assert "Cannot follow changes" in str(errors[0].get("title"))

        failing["on"] = False
        await wait_until(pilot, lambda: any("again" in str(n["message"]) for n in seen), "recovery")
        await wait_until(pilot, lambda: _title(app).endswith("\u25cf LIVE"), "LIVE again")
        assert "not refreshed" not in _title(app)
