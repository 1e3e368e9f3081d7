"""Fixtures of the subcommand tests: the fixed database, copied for each test, named by a
relative path (the working directory is the test's), so outputs read the same on every run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli._cli_support import build_cli_db


@pytest.fixture(scope="session")
def cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cli_db(tmp_path_factory.mktemp("cli") / "sessions.db")


@pytest.fixture
def cli_db(cli_template: Path, workdir: Path) -> Path:
    """``sessions.db`` in the working directory: a private copy of the fixed database."""
    shutil.copyfile(cli_template, workdir / "sessions.db")
    return Path("sessions.db")
