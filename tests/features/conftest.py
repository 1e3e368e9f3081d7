"""Fixtures of the feature tests (issue 4). The shared ones (``app_factory``, ``fixture_db``,
``workdir`` ...) come from ``tests/conftest.py``; the data from ``_feature_support``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.features._feature_support import FakeScheduler, build_forks_db, build_timing_db


@pytest.fixture(scope="session")
def _timing_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_timing_db(tmp_path_factory.mktemp("timing") / "timing.db")


@pytest.fixture(scope="session")
def _forks_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_forks_db(tmp_path_factory.mktemp("forks") / "forks.db")


@pytest.fixture
def timing_db(_timing_template: Path, workdir: Path) -> Path:
    """One ended session with uneven gaps (see ``TIMING_EVENTS``): ``timing.db``."""
    shutil.copyfile(_timing_template, workdir / "timing.db")
    return Path("timing.db")


@pytest.fixture
def forks_db(_forks_template: Path, workdir: Path) -> Path:
    """A fork tree of four sessions and one session without forks: ``forks.db``."""
    shutil.copyfile(_forks_template, workdir / "forks.db")
    return Path("forks.db")


@pytest.fixture
def zero_home(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$ZERO_HOME`` in the test's directory: wraps and exports land there."""
    home = workdir / "zero-home"
    monkeypatch.setenv("ZERO_HOME", str(home))
    return home


@pytest.fixture
def scheduler() -> FakeScheduler:
    return FakeScheduler()
