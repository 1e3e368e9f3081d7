"""What the subcommands print over the fixed database: golden files (tests/cli/golden/,
rewritten only with UPDATE_GOLDEN=1), and hostile text made inert in every output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import FORBIDDEN, HOSTILE, LONG, NEWEST_FIRST, PARENT
from tests.cli._cli_support import EMPTY_LIVE, check_golden, invoke
from zero_session_tui import exit_codes


def test_list_prints_every_session_newest_first_as_a_plain_table(cli_db: Path) -> None:
    ran = invoke("list", "--db", str(cli_db))
    assert (ran.status, ran.err) == (0, "")
    check_golden("list.txt", ran.text)
    ulids = [line[:26] for line in ran.text.splitlines()[1:]]
    assert ulids[0] == EMPTY_LIVE
    assert [ulid for ulid in ulids if ulid in NEWEST_FIRST] == NEWEST_FIRST


def test_list_limit_stops_after_n_sessions(cli_db: Path) -> None:
    ran = invoke("--db", str(cli_db), "list", "--limit", "2")
    assert ran.text.count("\n") == 3  # the heading and two rows


def test_show_prints_the_hostile_session_as_inert_text(cli_db: Path) -> None:
    ran = invoke("show", HOSTILE, "--db", str(cli_db))
    assert (ran.status, ran.err) == (0, "")
    check_golden("show_hostile.txt", ran.text)


def test_show_starts_at_the_seq_given(cli_db: Path) -> None:
    ran = invoke("show", f"{PARENT.lower()}#4", "--db", str(cli_db))
    assert ran.status == 0
    check_golden("show_parent_from_4.txt", ran.text)
    seqs = [line.split()[0] for line in ran.text.splitlines()[1:]]
    assert seqs == ["4", "5", "6"]


@pytest.mark.parametrize("fmt", ["md", "jsonl"])
def test_show_from_a_seq_in_md_and_jsonl_leaves_out_the_events_before(
    cli_db: Path, fmt: str
) -> None:
    whole = invoke("show", PARENT, "--format", fmt, "--db", str(cli_db)).text
    tail = invoke("show", f"{PARENT}#4", "--format", fmt, "--db", str(cli_db)).text
    check_golden(f"show_parent_from_4.{fmt}.txt", tail)
    if fmt == "jsonl":
        assert tail.splitlines() == whole.splitlines()[3:]
    else:
        assert tail.split("### 4 ")[1] == whole.split("### 4 ")[1]
        assert "### 3 " not in tail


def test_show_a_long_multiline_event_indents_its_lines(cli_db: Path) -> None:
    ran = invoke("show", f"{LONG}#3", "--db", str(cli_db))
    lines = ran.text.splitlines()
    assert lines[1].startswith("     3  ")
    assert lines[1].endswith("#00001")
    assert lines[2].strip().startswith("line 00002:")
    assert lines[2].startswith(" " * 20)


def test_search_lists_sessions_then_events_newest_first(cli_db: Path) -> None:
    ran = invoke("search", "slippage", "--db", str(cli_db))
    assert (ran.status, ran.err) == (0, "")
    check_golden("search_slippage.txt", ran.text)


def test_search_by_engine_finds_the_session(cli_db: Path) -> None:
    ran = invoke("search", "127.0.0.1:7400", "--db", str(cli_db))
    assert ran.text.splitlines()[0].startswith(f"{PARENT}  ")
    assert "  session  " in ran.text.splitlines()[0]


def test_prune_dry_run_lists_what_would_go(cli_db: Path) -> None:
    ran = invoke("prune", "--db", str(cli_db))
    assert ran.status == 0
    check_golden("prune_dry_run.txt", ran.text)


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--json"],
        ["show", HOSTILE],
        ["show", HOSTILE, "--format", "md"],
        ["show", HOSTILE, "--format", "jsonl"],
        ["search", "a"],
        ["search", "a", "--json"],
    ],
    ids=" ".join,
)
def test_hostile_text_reaches_no_output_raw(cli_db: Path, argv: list[str]) -> None:
    ran = invoke(*argv, "--db", str(cli_db))
    assert ran.status == 0
    assert [char for char in FORBIDDEN if char in ran.text] == []
    assert not any(ord(c) < 0x20 and c != "\n" for c in ran.text)
    assert not any(0x80 <= ord(c) < 0xA0 for c in ran.text)


def test_hostile_text_shows_as_visible_symbols(cli_db: Path) -> None:
    shown = invoke("show", HOSTILE, "--db", str(cli_db)).text
    assert "\u241b[2J" in shown  # ESC as its control picture
    assert "\u27e8U+202E\u27e9" in shown  # the bidi override as its code
    listed = invoke("list", "--db", str(cli_db)).text
    assert "  [/b]\u27e89B\u27e9\u27e8\u2026  " in listed  # the hostile CLI version, cut


def test_show_of_an_unknown_session_is_one_line_and_status_3(cli_db: Path) -> None:
    ran = invoke("show", "01ZZZZZZZZZZZZZZZZZZZZZZZZ", "--db", str(cli_db))
    assert (ran.status, ran.out) == (exit_codes.NOT_FOUND, b"")
    assert ran.err.count("\n") == 1
    assert "no session" in ran.err


def test_show_past_the_last_seq_is_status_3(cli_db: Path) -> None:
    ran = invoke("show", f"{PARENT}#99", "--db", str(cli_db))
    assert ran.status == exit_codes.NOT_FOUND
    assert "no event at or after seq 99" in ran.err


def test_a_database_that_cannot_be_opened_is_status_2(workdir: Path) -> None:
    (workdir / "junk.db").write_bytes(b"not a database\n" * 10)
    ran = invoke("list", "--db", "junk.db")
    assert (ran.status, ran.out) == (exit_codes.BAD_DATABASE, b"")
    assert ran.err == "zero-session-tui: junk.db is not an SQLite database\n"


def test_a_bug_in_a_subcommand_is_one_line_and_a_saved_report_not_a_traceback(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from zero_session_tui import locations
    from zero_session_tui.cli import parse
    from zero_session_tui.subcommands import runner

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("a bug in the list")

    args = parse(["list", "--db", str(cli_db)])
    status = runner.run(broken, args)
    assert status == exit_codes.CRASH
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert "unexpected error: RuntimeError: a bug in the list" in err
    reports = list(locations.state_dir().glob("crash-*.txt"))
    assert len(reports) == 1
    assert "RuntimeError: a bug in the list" in reports[0].read_text()
