"""In a real pipe: ``| head -1`` ends the subcommand at once with status 0
(``exit_codes.PIPE_CLOSED``) and nothing on stderr, no traceback; the output has no escape
sequence whatever the database holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app.harness import HOSTILE, LONG, build_many_sessions
from zero_session_tui import exit_codes

ROOT = Path(__file__).resolve().parents[2]
MANY = 3_000
"""Sessions enough that ``list`` prints far more than a pipe's buffer (64 KiB)."""


@pytest.fixture(scope="module")
def many_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_many_sessions(tmp_path_factory.mktemp("many") / "many.db", MANY)


def _piped(argv: list[str], reader: list[str]) -> tuple[int, bytes, bytes, int]:
    """``zero-session-tui ARGV | READER``: its status, the reader's output, its stderr, and
    the reader's status."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C"}
    writer = subprocess.Popen(
        [sys.executable, "-m", "zero_session_tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert writer.stdout is not None
    assert writer.stderr is not None
    head = subprocess.Popen(reader, stdin=writer.stdout, stdout=subprocess.PIPE)
    writer.stdout.close()  # the reader holds the only read end: its exit closes the pipe
    out, _ = head.communicate(timeout=60)
    err = writer.stderr.read()
    writer.stderr.close()
    return writer.wait(timeout=60), out, err, head.returncode


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "--json"], ["show", LONG], ["show", LONG, "--format", "md"]],
    ids=" ".join,
)
def test_head_1_ends_the_subcommand_with_status_0_and_no_traceback(
    cli_db: Path, many_db: Path, argv: list[str]
) -> None:
    database = many_db if argv[0] == "list" else cli_db
    status, out, err, head_status = _piped([*argv, "--db", str(database)], ["head", "-1"])
    assert head_status == 0
    assert out.count(b"\n") == 1
    assert err == b""
    assert status == exit_codes.PIPE_CLOSED == 0


def test_the_whole_list_through_a_pipe_is_every_session(many_db: Path) -> None:
    status, out, err, _ = _piped(["list", "--db", str(many_db)], ["cat"])
    assert (status, err) == (0, b"")
    assert out.count(b"\n") == MANY + 1


def test_hostile_text_through_a_pipe_has_no_escape_sequence(cli_db: Path) -> None:
    """Under LANG=C too: the output is UTF-8 bytes, visible symbols for every control."""
    for argv in (["show", HOSTILE], ["list"], ["search", "bidi"]):
        status, out, err, _ = _piped([*argv, "--db", str(cli_db)], ["cat"])
        assert (status, err) == (0, b""), argv
        assert b"\x1b" not in out
        assert b"\x07" not in out
        assert b"\r" not in out
        assert "\u202e".encode() not in out
        assert "\u009b".encode() not in out
