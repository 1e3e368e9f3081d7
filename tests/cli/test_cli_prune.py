"""``prune``: the dry run changes nothing (the file is the same byte for byte), ``--yes``
deletes exactly what the dry run listed, never a live session or one with forks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import Store
from tests.app.harness import ALL_KINDS, FORK, NEWEST_FIRST, PARENT
from tests.cli._cli_support import EMPTY_LIVE, EMPTY_PARENT, PRUNABLE_EMPTY, invoke
from zero_session_tui import exit_codes
from zero_session_tui.subcommands.prune import parse_duration


def _ulids(path: Path) -> set[str]:
    with Store.open_readonly(path) as store:
        return {row.ulid for row in store.list_sessions(1_000)}


def _listed(output: str) -> list[str]:
    """The ULIDs of a prune's table (between its heading and its summary)."""
    return [line[:26] for line in output.splitlines()[1:-1]]


@pytest.mark.parametrize(
    "argv", [[], ["--empty"], ["--older-than", "3d"], ["--empty", "--older-than", "10d"]]
)
def test_the_dry_run_deletes_nothing(cli_db: Path, argv: list[str]) -> None:
    before = cli_db.read_bytes()
    ran = invoke("prune", *argv, "--db", str(cli_db))
    assert ran.status == 0
    assert "nothing deleted: run again with --yes" in ran.text
    assert cli_db.read_bytes() == before


@pytest.mark.parametrize(
    "argv", [[], ["--older-than", "3d"], ["--empty", "--older-than", "10d"], ["--older-than", "1h"]]
)
def test_yes_deletes_exactly_what_the_dry_run_listed(cli_db: Path, argv: list[str]) -> None:
    before = _ulids(cli_db)
    listed = _listed(invoke("prune", *argv, "--db", str(cli_db)).text)
    assert listed
    ran = invoke("prune", *argv, "--yes", "--db", str(cli_db))
    assert ran.status == 0
    assert _listed(ran.text) == listed
    assert ran.text.splitlines()[-1].startswith(f"deleted {len(listed)} session")
    assert _ulids(cli_db) == before - set(listed)
    again = invoke("prune", *argv, "--db", str(cli_db)).text
    assert not set(_listed(again)) & set(listed)  # (a parent whose forks went may be next)


def test_empty_sessions_go_but_not_the_live_one_nor_a_parent(cli_db: Path) -> None:
    listed = _listed(invoke("prune", "--db", str(cli_db)).text)
    assert set(listed) == PRUNABLE_EMPTY
    assert EMPTY_LIVE not in listed
    assert EMPTY_PARENT not in listed


def test_older_than_takes_sessions_idle_longer_than_that(cli_db: Path) -> None:
    """The app's clock says 2026-11-24 12:00. ALL_KINDS was last written on the 20th, PARENT
    on the 21st at 10:00 (but it has a fork), FORK on the 21st at 15:30 (2 days 20 hours)."""
    listed = set(_listed(invoke("prune", "--older-than", "3d", "--db", str(cli_db)).text))
    assert ALL_KINDS in listed
    assert PARENT not in listed
    assert FORK not in listed
    assert not set(NEWEST_FIRST[:4]) & listed  # the 22nd and after


def test_a_session_written_to_after_the_listing_is_kept(cli_db: Path, monkeypatch) -> None:
    """An empty session that gets an event between the listing and its delete is kept."""
    from zero_session_tui.subcommands import prune

    real = prune._delete

    def write_first(catalog, doomed, empty):  # the client writes meanwhile
        with Store.open(cli_db) as store:
            row = store.get_session_by_ulid(doomed.item.session.ulid)
            assert row is not None
            store.append(row.id, "system", "the client woke up")
        return real(catalog, doomed, empty)

    monkeypatch.setattr(prune, "_delete", write_first)
    ran = invoke("prune", "--yes", "--db", str(cli_db))
    assert (
        ran.text.splitlines()[-1]
        == "deleted 0 sessions (0 events); 2 sessions changed or went meanwhile, kept"
    )
    assert _ulids(cli_db) >= PRUNABLE_EMPTY


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("1d12h", timedelta(hours=36)),
        ("2w", timedelta(weeks=2)),
        ("90m", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_durations_read_as_written(text: str, span: timedelta) -> None:
    assert parse_duration(text) == span


@pytest.mark.parametrize("bad", ["", "30", "d", "3x", "-3d", "0d", "3d junk", "99999999999999w"])
def test_a_wrong_duration_is_a_usage_error(cli_db: Path, bad: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        invoke("prune", "--older-than", bad, "--db", str(cli_db))
    assert stopped.value.code == exit_codes.USAGE
    assert "--older-than" in capsys.readouterr().err
