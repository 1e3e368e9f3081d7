"""The command line: a database that cannot be browsed is one line on stderr naming the path,
exit status 2, no traceback, and nothing created or changed; --help explains the options."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import SessionError, Store
from zero_session_tui import exit_codes
from zero_session_tui.__main__ import main
from zero_session_tui.catalog import Catalog
from zero_session_tui.cli import parse_args

ROOT = Path(__file__).resolve().parents[2]


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every file and directory under ``root`` with its content (None for a directory)."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else path.read_bytes()
        for path in sorted(root.rglob("*"))
    }


def _garbage(path: Path) -> Path:
    path.write_bytes(b"this is not a database\n" * 40)
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    (path / "notes.txt").write_text("a directory, not a database\n")
    return path


def _other_program(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO bookmarks (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    return path


def _truncated(path: Path) -> Path:
    path.write_bytes(b"SQLite for")
    return path


CASES = {
    "missing": (lambda path: path, "no database at"),
    "garbage": (_garbage, "is not an SQLite database"),
    "empty file": (_empty, "is an empty file"),
    "directory": (_directory, "is a directory"),
    "another program's database": (_other_program, "not a ZERO session database"),
    "truncated": (_truncated, "is truncated"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_database_is_one_line_and_status_2(tmp_path: Path, capsys, case: str):
    make, says = CASES[case]
    place = tmp_path / "place"
    place.mkdir()
    path = make(place / "sessions.db")
    before = _tree(tmp_path)
    status = main(["--db", str(path)])
    out, err = capsys.readouterr()
    assert status == exit_codes.BAD_DATABASE == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("zero-session-tui: ")
    assert str(path) in lines[0]
    assert says in lines[0]
    assert "Traceback" not in err
    assert _tree(tmp_path) == before  # nothing created, nothing changed (no -wal, no -shm)


def test_a_missing_default_database_names_it_and_suggests_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setenv("ZERO_HOME", str(tmp_path / "zero"))
    monkeypatch.delenv("ZERO_SESSION_DB", raising=False)
    status = main([])
    err = capsys.readouterr().err
    assert status == 2
    expected = tmp_path / "zero" / "state" / "sessions.db"
    assert err == f"zero-session-tui: no database at {expected} (try --demo, or --db PATH)\n"
    assert list(tmp_path.iterdir()) == []  # not even $ZERO_HOME was created


def test_zero_session_db_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    wanted = tmp_path / "elsewhere.db"
    monkeypatch.setenv("ZERO_SESSION_DB", str(wanted))
    assert main([]) == 2
    assert f"no database at {wanted}" in capsys.readouterr().err
    assert not wanted.exists()


def test_one_bad_database_among_good_ones_is_still_refused(fixture_db, workdir: Path, capsys):
    missing = workdir / "nowhere" / "sessions.db"
    good = fixture_db.read_bytes()
    assert main(["--db", str(fixture_db), "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(missing) in err
    assert not missing.parent.exists()
    # The good database was only read. (Reading a WAL database read-only leaves SQLite's
    # -wal and -shm beside it, as any reader does; the database file itself is untouched.)
    assert fixture_db.read_bytes() == good
    assert {path.name for path in workdir.iterdir()} <= {
        "sessions.db",
        "sessions.db-wal",
        "sessions.db-shm",
    }


def test_a_refused_catalog_closes_the_databases_it_had_opened(
    fixture_db, workdir: Path, monkeypatch: pytest.MonkeyPatch
):
    closed: list[object] = []
    close = Store.close

    def recording_close(self: Store) -> None:
        closed.append(self.path)
        close(self)

    monkeypatch.setattr(Store, "close", recording_close)
    with pytest.raises(SessionError, match="no database at"):
        Catalog.open([fixture_db, workdir / "nowhere.db"])
    assert closed == [fixture_db]


def test_in_a_real_process_there_is_no_traceback(tmp_path: Path):
    garbage = _garbage(tmp_path / "garbage.db")
    result = subprocess.run(
        [sys.executable, "-m", "zero_session_tui", "--db", str(garbage)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"zero-session-tui: {garbage} is not an SQLite database\n"


def test_help_explains_the_options(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    for option in ("--db PATH", "--session ULID[#SEQ]", "--demo", "--no-welcome", "--version"):
        assert option in text
    for explained in (
        "read-only",
        "repeatable",
        "$ZERO_SESSION_DB",
        "$ZERO_HOME/state/sessions.db",
        "exit status",
        "a database cannot be opened",
        "1        an unexpected error",
        "64       a wrong command line",
        "128+N    ended by signal N",
        "Tab",
        "ctrl+p",
        "q quits",
    ):
        assert explained in text, explained


def test_session_argument_parses_ulid_and_seq():
    options = parse_args(["--session", "01JD3X7Q9T1W8R2M4K6N0P5S7V#120", "--db", "a.db"])
    assert (options.session, options.seq) == ("01JD3X7Q9T1W8R2M4K6N0P5S7V", 120)
    assert options.databases == [Path("a.db")]
    assert parse_args(["--session", "01JD3X7Q9T1W8R2M4K6N0P5S7V"]).seq is None


@pytest.mark.parametrize("bad", ["#12", "01JD3X7Q9T1W8R2M4K6N0P5S7V#x", "01JD#-3"])
def test_a_wrong_session_argument_is_a_usage_error(capsys, bad: str):
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--session", bad])
    assert stopped.value.code == exit_codes.USAGE
    err = capsys.readouterr().err
    assert "usage: zero-session-tui" in err
    assert "Traceback" not in err


def test_a_good_database_without_a_terminal_is_one_line_and_status_2(fixture_db, capsys):
    """The databases are checked first (a bad one reports itself, above); a good one without
    a terminal to draw on refuses to start rather than write escape codes into a pipe."""
    before = fixture_db.read_bytes()
    status = main(["--db", str(fixture_db), "--no-welcome"])
    out, err = capsys.readouterr()
    assert status == exit_codes.NO_TERMINAL == 2
    assert out == ""
    assert err.count("\n") == 1
    # capsys makes stdout a pipe; stdin is not a tty either unless pytest runs with -s.
    assert err.startswith(
        ("zero-session-tui: needs a terminal (stdin", "zero-session-tui: needs a terminal (stdout")
    )
    assert " is not a tty); " in err
    assert "\x1b" not in err
    assert fixture_db.read_bytes() == before


@pytest.mark.parametrize("value", ["-1", "-0.5", "nan", "inf", "-inf", "soon"])
def test_idle_cap_rejects_negative_nan_and_infinite_values_with_exit_64(value, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args([f"--idle-cap={value}"])
    assert stopped.value.code == 64
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--idle-cap" in error
    assert value in error


def test_idle_cap_accepts_zero_and_fractions():
    assert parse_args(["--idle-cap", "0"]).idle_cap == 0.0
    assert parse_args(["--idle-cap", "0.25"]).idle_cap == 0.25
