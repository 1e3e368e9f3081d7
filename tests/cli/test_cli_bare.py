"""The bare command (the app) is parsed without the subcommands' parsers, so opening the app
imports none of their modules; it reads the command line exactly as the full parser does."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from zero_session_tui import cli

ROOT = Path(__file__).resolve().parents[2]


def _subcommand_names() -> set[str]:
    parser = cli.build_parser()
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(found[0].choices)


def test_the_known_names_are_the_subcommands_registered() -> None:
    assert _subcommand_names() == cli.SUBCOMMANDS


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "a.db", "--db", "b.db"],
        ["--session", "01JD3X7Q9T1W8R2M4K6N0P5S7V#120", "--no-welcome", "--no-live"],
        ["--demo", "--idle-cap", "0.5"],
        ["--ses", "p5s7v"],  # an abbreviation, as argparse allows
    ],
)
def test_the_bare_command_reads_as_the_full_parser_does(argv: list[str]) -> None:
    assert cli._bare_is_enough(argv)
    assert cli.parse(argv) == cli.build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [["list"], ["--db", "a.db", "show", "x"], ["--help"], ["--he"], ["-h"], ["--vers"]],
)
def test_a_subcommand_help_or_version_goes_to_the_full_parser(argv: list[str]) -> None:
    assert not cli._bare_is_enough(argv)


def test_a_wrong_bare_command_line_is_still_the_full_parsers_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.parse(["--idle-cap", "-1"])
    assert stopped.value.code == 64
    assert "COMMAND" in capsys.readouterr().err  # the full usage line, subcommands and all


def test_opening_the_app_imports_no_subcommand_module() -> None:
    code = (
        "import sys; from zero_session_tui.cli import parse; parse(['--db', 'x.db']);"
        "print(sorted(m for m in sys.modules if '.subcommands' in m or m.endswith('.serve')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
