"""What the subcommand tests share: a fixed database written through ``store`` with a fixed
clock (the app's fixture database plus empty sessions for ``prune`` and a secret for
``export --redact``), and a way to run a subcommand in process with the app's fixed clock."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store import EventKind, Store
from store.clocks import SettableClock
from tests.app.harness import APP_NOW, add_session, app_clock, build_fixture_db, ulid_at
from zero_session_tui.cli import parse
from zero_session_tui.subcommands import runner
from zero_session_tui.subcommands.output import Output

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = Path(__file__).parent / "schemas"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
"""``UPDATE_GOLDEN=1 pytest tests/cli`` rewrites the golden files: only on purpose, then
read the diff."""


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, 0, tzinfo=UTC)


EMPTY_ENDED = ulid_at(_at(10, 9), "EMPTY0ENDED")
EMPTY_QUIET = ulid_at(_at(15, 9), "EMPTY0QW1ET")
EMPTY_LIVE = ulid_at(APP_NOW - timedelta(minutes=2), "EMPTY0ACT1VE")
EMPTY_PARENT = ulid_at(_at(12, 9), "EMPTY0PARENT")
CHILD = ulid_at(_at(12, 10), "CH11D0F0EMPTY")
SECRET = ulid_at(_at(13, 9), "SECRET01")
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"

PRUNABLE_EMPTY = {EMPTY_ENDED, EMPTY_QUIET}
"""The empty sessions ``prune`` may take: not the live one, not the one with a fork."""


def build_cli_db(path: Path) -> Path:
    build_fixture_db(path)
    clock = SettableClock(_at(10, 9))
    with Store.open(path, clock=clock) as store:
        for ulid, start, end, parent in (
            (EMPTY_ENDED, _at(10, 9), True, None),
            (EMPTY_QUIET, _at(15, 9), False, None),
            (EMPTY_LIVE, APP_NOW - timedelta(minutes=2), False, None),
            (EMPTY_PARENT, _at(12, 9), True, None),
        ):
            clock.set(start)
            sid = store.start_session(ulid, None, "0.4.0", parent)
            if end:
                clock.set(start + timedelta(seconds=5))
                store.end_session(sid)
        add_session(
            store,
            clock,
            ulid=CHILD,
            start=_at(12, 10),
            events=[(EventKind.PROMPT, "> /status")],
            parent=EMPTY_PARENT,
        )
        add_session(
            store,
            clock,
            ulid=SECRET,
            start=_at(13, 9),
            events=[
                (EventKind.PROMPT, "> /keys"),
                (EventKind.SYSTEM, f"aws_access_key_id = {AWS_KEY} loaded"),
            ],
        )
    return path


@dataclass(frozen=True, slots=True)
class Ran:
    status: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")


def invoke(*argv: str) -> Ran:
    """Run ``zero-session-tui ARGV`` (a subcommand) in process, at the app's fixed time."""
    args = parse(list(argv))
    assert args.command is not None
    out, err = io.BytesIO(), io.StringIO()
    context = runner.Context(Output(out), err=err, clock=app_clock)
    status = runner.run(args.run, args, context)
    return Ran(status, out.getvalue(), err.getvalue())


def check_golden(name: str, text: str) -> None:
    """``text`` is the golden file ``name`` (written instead with ``UPDATE_GOLDEN=1``)."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1 once, then read it"
    assert text == path.read_text(encoding="utf-8")
