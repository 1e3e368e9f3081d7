"""Area 4, bad databases: each one a clear one-line error (exit 2, no traceback) or an inert
display that never crashes, and the file's bytes unchanged after browsing.

Files that must fail run the real command line (``python -m zero_session_tui --db PATH``, stdin
not a terminal: the preflight fails before any UI). Files that must open are browsed in-process
by Pilot through ``make_app``, as ``main`` builds the app.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _reliability import (
    fingerprint,
    real_db,
    run_cli,
)

AREA = "bad-databases"
HUGE = 10 * 1024 * 1024  # characters in one event


# ---- files that must fail, with one clear line -------------------------------------------


def _garbage(tmp: Path) -> Path:
    path = tmp / "garbage.db"
    path.write_bytes(random.Random(6).randbytes(8192))
    return path


def _truncated_header(tmp: Path) -> Path:
    path = tmp / "truncated-header.db"
    path.write_bytes(real_db(tmp / "source.db").read_bytes()[:10])
    return path


def _truncated_half(tmp: Path) -> Path:
    path = tmp / "truncated-half.db"
    data = real_db(tmp / "source.db").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _corrupt_schema_page(tmp: Path) -> Path:
    path = tmp / "corrupt-schema.db"
    data = bytearray(real_db(tmp / "source.db").read_bytes())
    data[100:4096] = random.Random(7).randbytes(3996)  # page 1 after the 100-byte header
    path.write_bytes(bytes(data))
    return path


def _zero_bytes(tmp: Path) -> Path:
    path = tmp / "empty.db"
    path.touch()
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "a-directory.db"
    path.mkdir()
    return path


def _unreadable(tmp: Path) -> Path:
    path = real_db(tmp / "unreadable.db")
    path.chmod(0)
    try:
        with path.open("rb"):
            pass
    except PermissionError:
        return path
    path.chmod(0o600)
    pytest.skip("running as root: chmod 000 does not stop reads here")


def _missing(tmp: Path) -> Path:
    return tmp / "no" / "such" / "dir" / "sessions.db"


def _other_program(tmp: Path) -> Path:
    path = tmp / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('not a session')")
    conn.commit()
    conn.close()
    return path


FAILING: dict[str, tuple[Callable[[Path], Path], str]] = {
    "garbage bytes": (_garbage, r"not an? SQLite|not a database"),
    "truncated inside the header": (_truncated_header, r"truncated"),
    "truncated to half": (_truncated_half, r"corrupt|malformed|truncated"),
    "corrupt schema page": (_corrupt_schema_page, r"corrupt|malformed|not a database"),
    "zero-byte file": (_zero_bytes, r"empty"),
    "a directory": (_directory, r"directory"),
    "no read permission": (_unreadable, r"permission"),
    "missing path": (_missing, r"no database"),
    "another program's database": (_other_program, r"not a ZERO session database"),
}


@pytest.mark.parametrize("case", list(FAILING))
def test_a_bad_file_gives_one_clear_line_and_exit_2(tmp_path: Path, figures, case: str) -> None:
    build, wanted = FAILING[case]
    path = build(tmp_path)
    figures.add(AREA, tried=1)
    before = fingerprint(path)
    listing = _listing(path)
    done = run_cli("--db", path, "--no-welcome")
    figures.add(AREA, tracebacks=int("Traceback" in done.stderr + done.stdout))
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(path) in lines[0], lines[0]
    assert re.search(wanted, lines[0], re.IGNORECASE), lines[0]
    changed = fingerprint(path) != before
    figures.add(AREA, bytes_changed=int(changed))
    assert not changed, "the file changed"
    assert not _new_files(path, listing) - _sqlite_side_files(path), "files were created"
    if path.parent.exists():
        assert set(listing or ()) <= {p.name for p in path.parent.iterdir()}, "files removed"
    else:
        assert listing is None, "a directory was removed"
    figures.add(AREA, handled=1, clear_errors=1)


def _listing(path: Path) -> list[str] | None:
    return sorted(p.name for p in path.parent.iterdir()) if path.parent.exists() else None


def _new_files(path: Path, listing: list[str] | None) -> set[str]:
    return set(_listing(path) or ()) - set(listing or ())


def _sqlite_side_files(path: Path) -> set[str]:
    return {f"{path.name}-wal", f"{path.name}-shm"}


@pytest.mark.parametrize("case", ["truncated to half", "corrupt schema page"])
def test_a_failed_preflight_creates_no_side_files(tmp_path: Path, case: str) -> None:
    """Found by this suite at fde24d4: a failed read-only open of a file whose header says
    WAL left SQLite's -wal and -shm beside it, though exit 2 promises nothing is created;
    fixed in 0bda382."""
    build, _ = FAILING[case]
    path = build(tmp_path)
    listing = _listing(path)
    assert run_cli("--db", path, "--no-welcome").returncode == 2
    assert not _new_files(path, listing), _new_files(path, listing)
