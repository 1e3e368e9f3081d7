"""Python's cyclic collector is held off while a launch imports Textual and builds the app,
then what start-up made is frozen and collection is on again (``startup_gc.py``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from zero_session_tui import __main__ as entry
from zero_session_tui.cli import parse_args
from zero_session_tui.startup_gc import held_off


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.unfreeze()  # the test's freeze: the suite's objects collectable again
    if was:
        gc.enable()
    else:
        gc.disable()


def test_held_off_inside_frozen_and_on_again_after() -> None:
    gc.enable()
    frozen = gc.get_freeze_count()
    with held_off():
        assert not gc.isenabled()
        made = [object() for _ in range(100)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)


def test_on_again_after_an_error_and_left_off_when_it_was_off() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), held_off():
        raise RuntimeError("the app could not be built")
    assert gc.isenabled()
    gc.disable()
    with held_off():
        pass
    assert not gc.isenabled()  # the caller's choice is kept


def test_a_launch_builds_the_app_with_the_collector_held_off(
    monkeypatch: pytest.MonkeyPatch, fixture_db
) -> None:
    gc.enable()
    seen: list[bool] = []

    def make_app(options, catalog, *, warm: bool = False):
        seen.append(gc.isenabled())
        assert warm
        return "app"

    monkeypatch.setattr(entry, "make_app", make_app)
    options = parse_args(["--db", str(fixture_db)])
    assert entry.launched_app(options, catalog=None) == "app"  # type: ignore[arg-type]
    assert seen == [False]
    assert gc.isenabled()
