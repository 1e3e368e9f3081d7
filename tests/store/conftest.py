"""Fixtures for the store tests. Everything lives under ``tmp_path``; no sleeps, no real clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _store_support import FakeClock

from store import Store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "sessions.db"


@pytest.fixture
def db(db_path: Path, clock: FakeClock) -> Iterator[Store]:
    """A fresh on-disk store with the fake clock (one second per call)."""
    with Store.open(db_path, clock=clock) as store:
        yield store
