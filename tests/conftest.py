"""Shared fixtures for the app and snapshot tests (the data itself: ``tests/app/harness.py``).

Databases are written through ``store`` with a settable clock, so their content, times
included, is the same on every run; the app gets a fixed clock and UTC. ``async def`` tests run
on a fresh event loop without any plugin (``pytest_pyfunc_call`` below), under a watchdog so a
hang fails instead of stalling the suite.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from pathlib import Path

import pytest

# pytest puts this directory (tests/) first on sys.path, where tests/store/ would shadow the
# real ``store`` package as an empty namespace package. The project root first fixes that for
# every test directory, and makes ``tests.app.harness`` importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.app.harness import (  # noqa: E402
    WATCHDOG_S,
    app_clock,
    build_big_session,
    build_empty_db,
    build_fixture_db,
    build_many_sessions,
)
from zero_session_tui.__main__ import make_app  # noqa: E402
from zero_session_tui.app import ZeroSessionApp  # noqa: E402
from zero_session_tui.browser_state import mark_welcome_seen  # noqa: E402
from zero_session_tui.catalog import Catalog  # noqa: E402
from zero_session_tui.cli import parse_args  # noqa: E402
from zero_session_tui.locations import browser_state_file  # noqa: E402

AppFactory = Callable[..., ZeroSessionApp]


@pytest.fixture(autouse=True)
def private_homes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test writes its caches (demo, search index), wraps and exports under a temp
    directory, never in the home of whoever runs the suite. Tests may override these."""
    base = tmp_path_factory.mktemp("homes")
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    monkeypatch.setenv("ZERO_HOME", str(base / "zero"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.delenv("ZERO_SESSION_DB", raising=False)
    # The browser's own first-run state: the welcome already seen, unless a test asks for a
    # first launch (``fresh_db``).
    mark_welcome_seen()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("template") / "sessions.db")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's directory as the working directory: databases are passed by relative path,
    so the header (which names them) reads the same on every run."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def fixture_db(template_db: Path, workdir: Path) -> Path:
    """A private copy of the fixture database (welcome already shown): ``sessions.db``."""
    target = Path("sessions.db")
    shutil.copyfile(template_db, workdir / target)
    return target


@pytest.fixture
def fresh_db(workdir: Path) -> Path:
    """The fixture database with the ``welcome_shown`` milestone unset, on a first launch
    of the browser (its own state file absent)."""
    browser_state_file().unlink()
    return build_fixture_db(Path("sessions.db"), welcome_shown=False)


@pytest.fixture
def empty_db(workdir: Path) -> Path:
    """The schema, no session; the welcome already shown."""
    return build_empty_db(Path("empty.db"))


@pytest.fixture(scope="session")
def many_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """250 sessions: three pages of the session list (100, 100, 50)."""
    return build_many_sessions(tmp_path_factory.mktemp("many") / "many.db", 250)


@pytest.fixture(scope="session")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One session of 20,000 events."""
    return build_big_session(tmp_path_factory.mktemp("big") / "big.db", 20_000)


@pytest.fixture
def app_factory() -> Iterator[AppFactory]:
    """``app_factory(db, ..., args=[...])``: the app over those databases, built as ``main``
    builds it (``parse_args``, ``Catalog.open``, ``make_app``) with the fixed clock and UTC.
    Catalogs are closed after the test."""
    catalogs: list[Catalog] = []

    def factory(*dbs: Path, args: Iterable[str] = ()) -> ZeroSessionApp:
        argv = [part for db in dbs for part in ("--db", str(db))] + list(args)
        options = parse_args(argv)
        catalog = Catalog.open(options.databases)
        catalogs.append(catalog)
        return make_app(options, catalog, clock=app_clock, tz=UTC)

    yield factory
    for catalog in catalogs:
        catalog.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests on a new event loop (Textual's ``run_test`` needs one)."""
    function = pyfuncitem.obj
    if not inspect.iscoroutinefunction(function):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}

    async def guarded() -> None:
        await asyncio.wait_for(function(**kwargs), WATCHDOG_S)

    asyncio.run(guarded())
    return True
