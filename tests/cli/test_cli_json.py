"""``--json`` and ``--format jsonl`` are what their schemas (tests/cli/schemas/) say, with
every stamp an RFC 3339 time and the text as stored (escaped, so inert on a terminal)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from store import parse_rfc3339
from tests.app.harness import HOSTILE, HOSTILE_TEXTS, NEWEST_FIRST
from tests.cli._cli_support import AWS_KEY, EMPTY_LIVE, SCHEMAS, invoke

STAMPS = ("started_at", "ended_at", "last_event_at", "at")


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _valid(name: str, document: Any) -> None:
    errors = [error.message for error in _validator(name).iter_errors(document)]
    assert errors == []
    for record in document if isinstance(document, list) else [document]:
        for key in STAMPS:
            if record.get(key) is not None:
                parse_rfc3339(record[key])  # raises if it is not one


def test_list_json_matches_its_schema_and_lists_every_session(cli_db: Path) -> None:
    ran = invoke("list", "--json", "--db", str(cli_db))
    assert ran.status == 0
    listed = json.loads(ran.out)
    _valid("list.json", listed)
    ulids = [record["ulid"] for record in listed]
    assert ulids[0] == EMPTY_LIVE
    assert [ulid for ulid in ulids if ulid in NEWEST_FIRST] == NEWEST_FIRST
    assert len(ulids) == 13
    assert ran.out.isascii()


def test_list_json_of_an_empty_database_is_an_empty_array(workdir: Path) -> None:
    from store import Store

    Store.open(workdir / "empty.db").close()
    ran = invoke("list", "--json", "--db", "empty.db")
    assert json.loads(ran.out) == []
    _valid("list.json", [])


def test_list_json_keeps_hostile_text_as_stored_in_escapes(cli_db: Path) -> None:
    listed = json.loads(invoke("list", "--json", "--db", str(cli_db)).out)
    hostile = next(record for record in listed if record["ulid"] == HOSTILE)
    assert hostile["cli_version"] == "[/b]\x9b\u202e"


def test_search_json_matches_its_schema_sessions_then_events(cli_db: Path) -> None:
    ran = invoke("search", "e", "--json", "--db", str(cli_db))
    found = json.loads(ran.out)
    _valid("search.json", found)
    kinds = [record["match"] for record in found]
    assert kinds == sorted(kinds, key=lambda kind: kind != "session")
    assert "session" in kinds
    assert "event" in kinds


def test_search_json_finds_the_hostile_text_as_stored(cli_db: Path) -> None:
    found = json.loads(invoke("search", "gnp.exe", "--json", "--db", str(cli_db)).out)
    _valid("search.json", found)
    assert [(record["ref"], record["text"]) for record in found] == [
        (f"{HOSTILE}#11", HOSTILE_TEXTS[-1])
    ]


@pytest.mark.parametrize("ulid", [HOSTILE, *NEWEST_FIRST[:2]])
def test_show_jsonl_lines_match_their_schema(cli_db: Path, ulid: str) -> None:
    lines = invoke("show", ulid, "--format", "jsonl", "--db", str(cli_db)).out.splitlines()
    assert lines
    for line in lines:
        _valid("show_jsonl.json", json.loads(line))


def test_search_json_text_is_the_stored_text_and_the_key_is_in_it(cli_db: Path) -> None:
    """No redaction without asking: search shows what is stored (export --redact masks)."""
    found = json.loads(invoke("search", "aws_access", "--json", "--db", str(cli_db)).out)
    assert AWS_KEY in found[0]["text"]
