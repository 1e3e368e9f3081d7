"""The reliability suite: figures per area, printed as one summary line each.

Tests record numbers with the ``figures`` fixture (``figures.add("crash", kills=1)``); at the end
each area prints ONE line, e.g. ``reliability crash: 3 kill -9 survived, ...``.

Where the lines are printed, so that they show without ``-s``:

- without xdist: from ``pytest_terminal_summary`` (this conftest is a registered plugin by then);
- with xdist, when this conftest is loaded in the controller (``pytest -n 2 tests/reliability``):
  each worker sends its figures in ``workeroutput``, the controller merges them (an area's tests
  may run on both workers) and prints the lines in its terminal summary;
- with xdist, when the controller never loaded this file (``pytest -n 2`` from the root, where
  ``tests/reliability`` is not an initial conftest): each worker writes its own lines straight to
  the terminal's stderr (fd 2 is inherited from the controller), tagged with the worker id.

Soak mode: ``ZST_SOAK=1`` (an environment variable, since ``pytest_addoption`` in a sub-conftest
is not honoured) makes every area run longer or more often; see ``_reliability.scaled``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_OUTPUT_KEY = "zst_reliability"
_COLLECTOR_KEY = "zst_reliability_collector"


class Figures:
    """Numbers (summed) and notes (kept once each) per area."""

    def __init__(self) -> None:
        self.numbers: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.maxima: defaultdict[str, dict[str, float]] = defaultdict(dict)
        self.notes: defaultdict[str, list[str]] = defaultdict(list)

    def add(self, area: str, **numbers: float) -> None:
        self.numbers[area].update(numbers)  # type: ignore[arg-type]

    def peak(self, area: str, **numbers: float) -> None:
        """Keep the largest value seen (a slowest append, a longest wait)."""
        for name, value in numbers.items():
            self.maxima[area][name] = max(value, self.maxima[area].get(name, value))

    def note(self, area: str, text: str) -> None:
        if text not in self.notes[area]:
            self.notes[area].append(text)

    def dump(self) -> str:
        return json.dumps(
            {"numbers": self.numbers, "maxima": self.maxima, "notes": self.notes}, sort_keys=True
        )

    def merge(self, raw: str) -> None:
        data = json.loads(raw)
        for area, numbers in data["numbers"].items():
            self.numbers[area].update(numbers)
        for area, maxima in data["maxima"].items():
            self.peak(area, **maxima)
        for area, notes in data["notes"].items():
            for text in notes:
                self.note(area, text)

    def lines(self) -> list[str]:
        areas = sorted(set(self.numbers) | set(self.notes) | set(self.maxima))
        return [
            _line(area, self.numbers[area], self.maxima[area], self.notes[area]) for area in areas
        ]


FIGURES = Figures()
_FROM_WORKERS = Figures()


def _n(value: float) -> str:
    return f"{int(value):,}"


def _live(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    rate = n["written"] / n["write_seconds"] if n["write_seconds"] else 0.0
    return (
        f"{_n(n['written'])} events written at {rate:,.0f}/s by {_n(n['writers'])} writer runs "
        f"(slowest append {m.get('slowest_append_ms', 0):.0f} ms), "
        f"{_n(n['seen_reader'])} seen in order by a read-only store in {_n(n['reads'])} keyset "
        f"reads, "
        f"{_n(n['seen_app'])} seen in order by the app, {_n(n['writer_failures'])} writer failures"
    )


def _crash(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['kills'])} kill -9 survived ({_n(n['killed_after_commit'])} between a commit and "
        f"its report), {_n(n['committed'])} committed events all present, "
        f"{_n(n['partial_batches'])} partial batches, quick_check ok {_n(n['quick_check_ok'])}/"
        f"{_n(n['kills'])}, app preflight opened {_n(n['preflight_ok'])}/{_n(n['kills'])}"
    )


def _contention(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['processes'])} processes appended {_n(n['appended'])} events "
        f"({_n(n['shared_events'])} to one shared session, the rest to their own), "
        f"{_n(n['lost'])} lost, {_n(n['duplicates'])} duplicate seqs; exclusive lock: "
        f"{_n(n['locked_refusals'])} opens refused after a bounded wait "
        f"(longest {m.get('longest_wait_s', 0):.1f} s) with a clear message"
    )


def _bad(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['tried'])} bad inputs tried, {_n(n['handled'])} handled "
        f"({_n(n['clear_errors'])} clear one-line errors, {_n(n['inert_displays'])} inert "
        f"displays), {_n(n['tracebacks'])} tracebacks, {_n(n['bytes_changed'])} files with "
        f"bytes changed"
    )


def _hostile(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['strings'])} hostile strings made inert, {_n(n['raw_in_output'])} raw in "
        f"{_n(n['pty_bytes'])} bytes the app wrote to a pty, {_n(n['markup_literal'])} markup "
        f"strings shown literally, {_n(n['click_quit'])} quits from [@click=app.quit]"
    )


def _atomic(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['failures_tried'])} failing writes tried, {_n(n['clear_errors'])} clear errors, "
        f"{_n(n['leftovers'])} partial or temp files left, {_n(n['targets_kept'])} existing "
        f"files kept byte for byte"
    )


def _properties(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['examples'])} examples, {_n(n['steps'])} steps over two connections, "
        f"{_n(n['invariant_checks'])} invariant checks, 0 violations"
    )


def _follow(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['writer_processes'])} writer processes started, appended and exited one after "
        f"another, {_n(n['events_seen'])} events seen in order by the app (-wal removed "
        f"{_n(n['wal_removed'])} times: the app's connection keeps its lock); "
        f"{_n(n['files_replaced'])} file replaced under the app, {_n(n['noticed'])} noticed "
        f"and reopened; {_n(n['deleted_while_shown'])} session deleted by another process "
        f"while shown, {_n(n['notices'])} notice, replay stopped within "
        f"{m.get('slowest_notice_s', 0):.2f} s"
    )


def _resources(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['databases'])} databases opened, polled and listed under ulimit -n 1024 with "
        f"{_n(n['fds'])} file descriptors; {_n(n['duplicate_names'])} extra names of one "
        f"database (another spelling, a symlink) listed once"
    )


def _client_file(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['launches'])} first launches (welcome shown and dismissed) and "
        f"{_n(n['keys'])} browsing keys on WAL and rollback-journal databases made by plain "
        f"SQL: {_n(n['bytes_changed'])} bytes of the client's file changed, no journal-mode "
        f"switch, no index, no milestone"
    )


def _write_identity(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['races'])} writes raced another process ({_n(n['delete_races'])} deletes, "
        f"{_n(n['wrap_races'])} wraps; a restored backup, a delete, a reused row id): "
        f"{_n(n['wrong_writes'])} reached another session, {_n(n['wrong_milestones'])} "
        f"milestones and {_n(n['wrong_wraps'])} wraps for a session not shown, "
        f"{_n(n['wrap_files_left'])} wrap files left, {_n(n['notices'])} one-line notices"
    )


def _write_lock(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"delete of a {_n(n['big_events'])}-event session held the write lock "
        f"{m.get('delete_ms', 0):.0f} ms, a wrap's milestone {m.get('milestone_ms', 0):.0f} ms; "
        f"a writer process appending meanwhile waited at most {m.get('slowest_ms', 0):.0f} ms "
        f"({_n(n['appends'])} appends)"
    )


def _replay_gone(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{_n(n['deleted'])} sessions deleted by another process during a timed replay "
        f"({_n(n['while_playing'])} playing, {_n(n['while_paused'])} paused): "
        f"{_n(n['notices'])} notices, replay stopped within {m.get('slowest_stop_s', 0):.2f} s, "
        f"{_n(n['dropped'])} rows dropped, {_n(n['next_played'])} next sessions played"
    )


def _signals(n: Counter[str], m: dict[str, float], notes: list[str]) -> str:
    return (
        f"{int(n['signals'])} signals to a running app in a pty "
        f"({int(n['during_export'])} during an export, {int(n['hung_worker'])} with a hung "
        f"worker thread), {int(n['restored'])} terminals restored, "
        f"{int(n['temp_files_left'])} temp files left, slowest exit "
        f"{m.get('slowest_exit_s', 0):.2f} s; no-tty exit 2 ({int(n['no_tty'])} ways); "
        f"crash exit 1 with report ({int(n['crash_reports'])} reports)"
    )


_FORMATS: dict[str, Callable[[Counter[str], dict[str, float], list[str]], str]] = {
    "write-identity": _write_identity,
    "write-lock": _write_lock,
    "replay-gone": _replay_gone,
    "client-file": _client_file,
    "resources": _resources,
    "follow-lifecycle": _follow,
    "live-writer": _live,
    "crash": _crash,
    "contention": _contention,
    "bad-databases": _bad,
    "hostile-text": _hostile,
    "atomic-writes": _atomic,
    "properties": _properties,
    "signals": _signals,
}


def _line(area: str, numbers: Counter[str], maxima: dict[str, float], notes: list[str]) -> str:
    formatter = _FORMATS.get(area)
    body = (
        formatter(numbers, maxima, notes)
        if formatter is not None
        else ", ".join(f"{value:,} {name}" for name, value in sorted(numbers.items()))
    )
    if notes:
        body += "; " + "; ".join(notes)
    return f"reliability {area}: {body}"


@pytest.fixture
def figures() -> Figures:
    return FIGURES


# ---- the signals area: the app in a pseudo-terminal (``_signals_support.py``) -----------


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One session of 50 prompts."""
    from _signals_support import make_small_db

    return make_small_db(tmp_path_factory.mktemp("small") / "sessions.db")


@pytest.fixture
def homes(tmp_path: Path) -> Any:
    """Private HOME and XDG directories for a child app."""
    from _signals_support import Homes

    (tmp_path / "home").mkdir()
    return Homes(tmp_path)


@pytest.fixture
def running(homes: Any) -> Any:
    """The apps a test launched in a pty, closed after it."""
    apps: list[Any] = []
    yield apps
    for app in apps:
        app.close()


# ---- getting the lines onto the terminal ---------------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist, in the controller: tell the workers this controller prints the lines."""
    node.workerinput[_COLLECTOR_KEY] = True


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist, in the controller: a worker finished; keep its figures."""
    raw = getattr(node, "workeroutput", {}).get(_OUTPUT_KEY)
    if raw:
        _FROM_WORKERS.merge(raw)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or not (FIGURES.numbers or FIGURES.notes):
        return
    if workerinput.get(_COLLECTOR_KEY):
        config.workeroutput[_OUTPUT_KEY] = FIGURES.dump()  # type: ignore[attr-defined]
        return
    # The controller does not know this file: write straight to the terminal.
    worker = workerinput.get("workerid", "worker")
    text = "".join(f"\n[{worker}] {line}" for line in FIGURES.lines()) + "\n"
    capman = config.pluginmanager.get_plugin("capturemanager")
    if capman is not None:
        with capman.global_and_fixture_disabled():
            os.write(2, text.encode())
    else:
        os.write(2, text.encode())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return
    merged = Figures()
    merged.merge(FIGURES.dump())
    merged.merge(_FROM_WORKERS.dump())
    lines = merged.lines()
    if not lines:
        return
    terminalreporter.write_sep("-", "reliability summary")
    for line in lines:
        terminalreporter.write_line(line)
