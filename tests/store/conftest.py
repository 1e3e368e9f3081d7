"""Fixtures for the store tests. Everything lives under ``tmp_path``; no sleeps, no real clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _store_support import fake_clock

from store import Store
from store.clocks import SettableClock


@pytest.fixture
def clock() -> SettableClock:
    return fake_clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "sessions.db"


@pytest.fixture
def db(db_path: Path, clock: SettableClock) -> Iterator[Store]:
    """A fresh on-disk store with the fake clock (one second per call)."""
    with Store.open(db_path, clock=clock) as store:
        yield store
