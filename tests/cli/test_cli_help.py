"""Every subcommand has --help (what it does, examples); a wrong command line is status 64;
app-only options with a subcommand are refused; --db works before and after the name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import PARENT
from tests.cli._cli_support import invoke
from zero_session_tui import exit_codes
from zero_session_tui.cli import parse

SUBCOMMANDS = ["list", "show", "search", "export", "prune", "serve"]


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_explains_itself(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse([name, "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: zero-session-tui {name} ")
    assert "examples:" in text
    assert "\x1b" not in text


def test_the_main_help_lists_the_subcommands_and_their_exit_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse(["--help"])
    text = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in text, name
    for line in ("3        a subcommand's session", "4        a subcommand cannot write", "78 "):
        assert line in text


@pytest.mark.parametrize(
    "argv",
    [
        ["nosuch"],
        ["list", "--limit", "0"],
        ["show"],
        ["show", "#3"],
        ["show", "x", "--format", "pdf"],
        ["export", "x", "--format", "pdf"],
        ["--session", "01JD3X7Q9T1W8R2M4K6N0P5S7V", "list"],
        ["--no-live", "show", "x"],
    ],
    ids=" ".join,
)
def test_a_wrong_command_line_is_status_64(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse(argv)
    assert stopped.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "usage: zero-session-tui" in err
    assert "Traceback" not in err


def test_db_before_and_after_the_subcommand_are_both_read(cli_db: Path, workdir: Path) -> None:
    (workdir / "other.db").write_bytes(cli_db.read_bytes())
    ran = invoke("--db", str(cli_db), "search", PARENT, "--db", "other.db")
    assert [line.rsplit("  ", 1)[1] for line in ran.text.splitlines()] == [
        "[sessions]",
        "[other]",
    ]
    both = invoke("--db", str(cli_db), "list", "--db", str(cli_db))
    assert "DATABASE" not in both.text  # the same file twice is one database


def test_an_empty_search_is_refused(cli_db: Path) -> None:
    ran = invoke("search", "  ", "--db", str(cli_db))
    assert ran.status == exit_codes.USAGE
    assert ran.out == b""
