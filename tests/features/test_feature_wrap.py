"""Wrap: w shows the report ``store.wrap.generate`` computes (ended_at = the end, or now for a
session still open) and whether ``should_wrap`` says it qualifies; s writes it with
``write_wrap`` under $ZERO_HOME/state/wraps and records ``last_daily_wrap_at``."""

from __future__ import annotations

import json

from store import Store, milestones
from store.wrap import generate, should_wrap
from tests.app.harness import ALL_KINDS, APP_NOW, OPEN, SIZE, screen_text, wait_until
from tests.features._feature_support import notices, open_and_settle, wait_for_notice
from zero_session_tui.screens.wrap import WrapScreen


def _expected(db, ulid: str):
    with Store.open_readonly(db) as store:
        session = store.get_session_by_ulid(ulid)
        ended_at = session.ended_at or APP_NOW
        report = generate(session, store.iter_events(session.id), ended_at)
        qualifies = should_wrap(session, store.iter_events(session.id), ended_at)
    return report, qualifies


async def _wrap(pilot) -> WrapScreen:
    app = pilot.app
    await pilot.press("w")
    await wait_until(pilot, lambda: isinstance(app.screen, WrapScreen), "the wrap report")
    await pilot.pause()
    return app.screen


async def test_w_shows_an_ended_session_that_does_not_qualify(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", ALL_KINDS])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, ALL_KINDS)
        screen = await _wrap(pilot)
        report, qualifies = _expected(fixture_db, ALL_KINDS)
        assert screen.report == report
        assert screen.qualifies is qualifies is False
        assert not screen.live
        assert report.total_events == 16
        assert report.duration_secs == 142
        assert [(c.command, c.count) for c in report.top_commands] == [
            ("/pnl", 1),
            ("/quote", 1),
            ("/status", 1),
        ]
        text = screen_text(app)
        assert "does not qualify: a wrap needs at least 2 h and one prompt" in text
        assert "2m 22s (142 s)" in text
        assert "/pnl \u00d71, /quote \u00d71, /status \u00d71" in text
        assert "(now: the session is" not in text


async def test_w_on_an_open_session_ends_it_now_and_qualifies(app_factory, fixture_db):
    app = app_factory(fixture_db, args=["--session", OPEN])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, OPEN)
        screen = await _wrap(pilot)
        report, qualifies = _expected(fixture_db, OPEN)
        assert screen.report == report
        assert report.ended_at == APP_NOW  # the app's clock: the session has no end yet
        assert screen.qualifies is qualifies is True
        assert screen.live
        text = screen_text(app)
        assert "qualifies for a wrap" in text
        assert "(now: the session is" in text  # wrapped onto the next line
        assert f"{report.duration_secs:,} s" in text


async def test_s_writes_the_wrap_and_records_the_milestone(app_factory, fixture_db, zero_home):
    app = app_factory(fixture_db, args=["--session", OPEN])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, OPEN)
        with Store.open_readonly(fixture_db) as store:
            assert store.get_milestone(milestones.LAST_DAILY_WRAP_AT) is None
        screen = await _wrap(pilot)
        await pilot.press("s")
        path = zero_home / "state" / "wraps" / f"{OPEN}.json"
        severity, message = await wait_for_notice(pilot, "Wrap written to")
        assert severity == "information"
        assert message == f"Wrap written to {path}"
        assert json.loads(path.read_text()) == screen.report.to_dict()
        assert sorted(p.name for p in path.parent.iterdir()) == [f"{OPEN}.json"]  # no temp
        with Store.open_readonly(fixture_db) as store:
            assert store.get_milestone(milestones.LAST_DAILY_WRAP_AT) == APP_NOW.isoformat()


async def test_a_wrap_that_cannot_be_written_says_so(app_factory, fixture_db, zero_home):
    zero_home.mkdir()
    (zero_home / "state").write_text("a file where the directory should be")
    app = app_factory(fixture_db, args=["--session", OPEN])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, OPEN)
        await _wrap(pilot)
        await pilot.press("s")
        severity, message = await wait_for_notice(pilot, "cannot write")
        assert severity == "error"
        assert str(zero_home / "state" / "wraps") in message
        assert not any("Wrap written" in m for _, m in notices(app))
        with Store.open_readonly(fixture_db) as store:
            assert store.get_milestone(milestones.LAST_DAILY_WRAP_AT) is None


async def test_a_wrap_undone_because_the_session_vanished_puts_the_earlier_wrap_back(
    app_factory, fixture_db, zero_home, monkeypatch
):
    """The session is deleted by another process between the check and the milestone's
    write: the new wrap is undone, and the wrap saved earlier is back byte for byte."""
    earlier = zero_home / "state" / "wraps" / f"{OPEN}.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b'{"an": "earlier wrap"}\n')
    monkeypatch.setattr(Store, "set_milestone_for_session", lambda self, *args: False)
    app = app_factory(fixture_db, args=["--session", OPEN])
    async with app.run_test(size=SIZE) as pilot:
        await open_and_settle(pilot, OPEN)
        await _wrap(pilot)
        await pilot.press("s")
        severity, message = await wait_for_notice(pilot, "no longer exists")
        assert severity == "error"
        assert "not written" in message
    assert earlier.read_bytes() == b'{"an": "earlier wrap"}\n'
    assert sorted(p.name for p in earlier.parent.iterdir()) == [f"{OPEN}.json"]
