"""``export``: the file written is named on stdout (one line), in --out DIR, never over an
earlier export; --redact masks secrets and says how many on stderr; the HTML replay too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.harness import HOSTILE
from tests.cli._cli_support import AWS_KEY, SECRET, invoke
from zero_session_tui import exit_codes


@pytest.mark.parametrize("fmt", ["md", "jsonl", "html"])
def test_export_writes_the_file_it_names(cli_db: Path, workdir: Path, fmt: str) -> None:
    (workdir / "out").mkdir()
    ran = invoke("export", HOSTILE, "--format", fmt, "--out", "out", "--db", str(cli_db))
    assert (ran.status, ran.err) == (0, "")
    assert ran.text == f"out/{HOSTILE}.{fmt}\n"
    written = (workdir / "out" / f"{HOSTILE}.{fmt}").read_bytes()
    assert b"\x1b" not in written
    again = invoke("export", HOSTILE, "--format", fmt, "--out", "out", "--db", str(cli_db))
    assert again.text == f"out/{HOSTILE}-2.{fmt}\n"  # never over the first


def test_export_jsonl_is_what_show_jsonl_prints(cli_db: Path, workdir: Path) -> None:
    (workdir / "out").mkdir()
    invoke("export", HOSTILE, "--format", "jsonl", "--out", "out", "--db", str(cli_db))
    shown = invoke("show", HOSTILE, "--format", "jsonl", "--db", str(cli_db))
    assert (workdir / "out" / f"{HOSTILE}.jsonl").read_bytes() == shown.out


@pytest.mark.parametrize("fmt", ["md", "jsonl", "html"])
def test_export_redact_masks_the_key_and_counts_it(cli_db: Path, workdir: Path, fmt: str) -> None:
    (workdir / "out").mkdir()
    ran = invoke("export", SECRET, "--format", fmt, "--redact", "--out", "out", "--db", str(cli_db))
    assert ran.status == 0
    assert ran.err == f"zero-session-tui: 1 secret masked in {SECRET}.{fmt}\n"
    written = (workdir / "out" / f"{SECRET}.{fmt}").read_text(encoding="utf-8")
    assert AWS_KEY not in written
    plain = invoke("export", SECRET, "--format", fmt, "--out", "out", "--db", str(cli_db))
    assert plain.err == ""
    assert AWS_KEY in (workdir / plain.text.strip()).read_text(encoding="utf-8")


def test_export_defaults_to_markdown_in_the_exports_directory(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch, workdir: Path
) -> None:
    monkeypatch.setenv("ZERO_HOME", str(workdir / "zero"))
    ran = invoke("export", HOSTILE[-6:], "--db", str(cli_db))
    assert ran.status == 0
    assert ran.text == f"{workdir}/zero/exports/{HOSTILE}.md\n"


def test_export_where_no_directory_can_be_is_status_4(cli_db: Path, workdir: Path) -> None:
    (workdir / "a-file").write_text("not a directory\n")
    ran = invoke("export", HOSTILE, "--out", "a-file", "--db", str(cli_db))
    assert (ran.status, ran.out) == (exit_codes.WRITE_FAILED, b"")
    assert ran.err.count("\n") == 1
    assert "Traceback" not in ran.err


def test_export_with_a_wrong_redaction_config_is_status_78(
    cli_db: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workdir / "config" / "zero-session-tui" / "redaction.toml"
    config.parent.mkdir(parents=True)
    config.write_text("this is = = not toml\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(workdir / "config"))
    ran = invoke("export", HOSTILE, "--redact", "--out", ".", "--db", str(cli_db))
    assert (ran.status, ran.out) == (exit_codes.BAD_CONFIG, b"")
    assert ran.err.count("\n") == 1


def test_export_of_an_unknown_session_is_status_3(cli_db: Path) -> None:
    ran = invoke("export", "NOSUCHSESSION", "--out", ".", "--db", str(cli_db))
    assert ran.status == exit_codes.NOT_FOUND
    assert ran.err.count("\n") == 1


def _bookmark(database: Path, ulid: str, seq: int, note: str | None) -> None:
    """A bookmark as the browser writes it (m / M), in the annotations file under XDG."""
    from store.annotations import Annotations
    from zero_session_tui import locations

    annotations = Annotations.open(locations.annotations_file())
    try:
        annotations.set_note(locations.annotations_key(database), ulid, seq, note)
    finally:
        annotations.close()


def _first_seq(database: Path, ulid: str) -> int:
    from store import Store

    store = Store.open_readonly(database)
    try:
        session = store.get_session_by_ulid(ulid)
        assert session is not None
        bounds = store.seq_bounds(session.id)
        assert bounds is not None
        return bounds[0]
    finally:
        store.close()


def test_export_carries_the_browsers_bookmarks_and_notes(cli_db: Path, workdir: Path) -> None:
    (workdir / "out").mkdir()
    seq = _first_seq(cli_db, HOSTILE)
    _bookmark(cli_db, HOSTILE, seq, "look here\nsecond line")
    ran = invoke("export", HOSTILE, "--format", "md", "--out", "out", "--db", str(cli_db))
    assert ran.status == 0
    assert "- bookmark: look here\n  second line" in (workdir / ran.text.strip()).read_text()
    jsonl = invoke("export", HOSTILE, "--format", "jsonl", "--out", "out", "--db", str(cli_db))
    lines = (workdir / jsonl.text.strip()).read_text().splitlines()
    marked = [line for line in lines if '"bookmark"' in line]
    assert len(marked) == 1
    assert f'"seq": {seq},' in marked[0]
    assert '"note": "look here\\nsecond line"' in marked[0]
    bare = invoke("export", HOSTILE, "--no-bookmarks", "--out", "out", "--db", str(cli_db))
    assert "bookmark" not in (workdir / bare.text.strip()).read_text()


def test_export_without_an_annotations_file_makes_none(cli_db: Path, workdir: Path) -> None:
    from zero_session_tui import locations

    ran = invoke("export", HOSTILE, "--out", ".", "--db", str(cli_db))
    assert (ran.status, ran.err) == (0, "")
    assert not locations.annotations_file().exists()


def test_export_with_a_corrupt_annotations_file_says_so_and_exports(
    cli_db: Path, workdir: Path
) -> None:
    from zero_session_tui import locations

    path = locations.annotations_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    ran = invoke("export", HOSTILE, "--out", ".", "--db", str(cli_db))
    assert ran.status == 0
    assert ran.err.startswith("zero-session-tui: bookmarks left out: ")
    assert ran.err.count("\n") == 1
    assert (workdir / ran.text.strip()).exists()


def test_export_redact_masks_a_secret_pasted_in_a_note(cli_db: Path, workdir: Path) -> None:
    seq = _first_seq(cli_db, HOSTILE)
    _bookmark(cli_db, HOSTILE, seq, f"the key was {AWS_KEY}")
    ran = invoke("export", HOSTILE, "--redact", "--out", ".", "--db", str(cli_db))
    assert ran.status == 0
    written = (workdir / ran.text.strip()).read_text()
    assert "- bookmark: the key was " in written
    assert AWS_KEY not in written
