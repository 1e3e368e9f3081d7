"""Wrap-up reports: computed from rows (never curated), written atomically as CONTRACT.md's JSON."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from _store_support import fake_clock, insert_session, make_rust_db

from store import (
    EventKind,
    SerializationError,
    SessionRow,
    Store,
    StoredEvent,
    StoreIOError,
    atomic_write,
    wrap,
)

START = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
K = EventKind


def _session(started_at: datetime | None = START, ulid: str = "01HWRAP") -> SessionRow:
    return SessionRow(1, ulid, started_at, None, None, "0.3.0", None)


def _events(*items: tuple[EventKind, str]) -> list[StoredEvent]:
    return [
        StoredEvent(i, 1, i, START + timedelta(minutes=i), kind, text)
        for i, (kind, text) in enumerate(items, 1)
    ]


def test_generate_counts_every_kind_and_tallies_commands() -> None:
    events = _events(
        (K.PROMPT, "> /status"),
        (K.COMMAND, "status: ok"),
        (K.PROMPT, "> /status now"),
        (K.PROMPT, ">/positions"),
        (K.PROMPT, "> /alpha"),
        (K.PROMPT, "/alpha"),
        (K.PROMPT, "> /positions"),
        (K.PROMPT, "> /status"),
        (K.PROMPT, "> hello there"),  # not a command
        (K.PROMPT, "> /"),  # not a command either
        (K.COMMAND, "/notaprompt"),  # commands are only counted from prompts
        (K.WARN, "w"),
        (K.ALERT, "a"),
        (K.MODE_CHANGE, "live"),
        (K.SYSTEM, "s"),
    )
    ended = START + timedelta(hours=3, seconds=7)
    report = wrap.generate(_session(), iter(events), ended)  # any iterable, read once

    assert report.schema == wrap.SCHEMA_VERSION == 1
    assert report.session_ulid == "01HWRAP"
    assert (report.started_at, report.ended_at) == (START, ended)
    assert report.duration_secs == 3 * 3600 + 7
    assert report.total_events == len(events)
    assert report.event_counts == wrap.EventCounts(
        prompt=9, command=2, system=1, warn=1, alert=1, mode_change=1
    )
    assert [(c.command, c.count) for c in report.top_commands] == [
        ("/status", 3),
        ("/alpha", 2),  # ties broken by name
        ("/positions", 2),
    ]


def test_top_commands_are_capped() -> None:
    names = [f"/c{i}" for i in range(wrap.TOP_COMMANDS + 3)]
    prompts = [(K.PROMPT, f"> {name}") for i, name in enumerate(names) for _ in range(i + 1)]
    report = wrap.generate(_session(), _events(*prompts), START + timedelta(hours=1))
    assert len(report.top_commands) == wrap.TOP_COMMANDS
    assert [c.command for c in report.top_commands] == names[::-1][: wrap.TOP_COMMANDS]
    assert [c.count for c in report.top_commands] == sorted(
        (c.count for c in report.top_commands), reverse=True
    )


def test_ended_at_is_the_given_end_not_the_last_event() -> None:
    events = _events((K.PROMPT, "> /status"), (K.SYSTEM, "late"))
    end = START + timedelta(seconds=30)  # before the last event's own stamp
    report = wrap.generate(_session(), events, end)
    assert report.ended_at == end
    assert report.duration_secs == 30
    assert report.total_events == 2  # events are taken as given, not filtered by time


def test_generate_with_unknown_start_raises() -> None:
    with pytest.raises(SerializationError, match="01HWRAP"):
        wrap.generate(_session(started_at=None), [], START)


def test_generate_on_a_session_whose_stamp_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    make_rust_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    insert_session(conn, "01HBADSTART", "last tuesday")
    conn.close()
    with Store.open_readonly(path) as db:
        session = db.get_session_by_ulid("01HBADSTART")
    assert session is not None
    assert session.started_at is None
    with pytest.raises(SerializationError, match="01HBADSTART"):
        wrap.generate(session, [], START)
    assert not wrap.should_wrap(session, _events((K.PROMPT, "> x")), START + timedelta(hours=9))


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (wrap.MIN_WRAP_DURATION, True),
        (wrap.MIN_WRAP_DURATION - timedelta(microseconds=1), False),
        (wrap.MIN_WRAP_DURATION + timedelta(days=1), True),
        (timedelta(0), False),
    ],
)
def test_should_wrap_at_the_two_hour_boundary(length: timedelta, expected: bool) -> None:
    assert timedelta(hours=2) == wrap.MIN_WRAP_DURATION
    events = _events((K.SYSTEM, "x"), (K.PROMPT, "> /status"))
    assert wrap.should_wrap(_session(), iter(events), START + length) is expected


def test_should_wrap_needs_a_prompt() -> None:
    long_end = START + timedelta(hours=5)
    others = _events(*((kind, "x") for kind in EventKind if kind is not K.PROMPT))
    assert not wrap.should_wrap(_session(), others, long_end)
    assert not wrap.should_wrap(_session(), [], long_end)
    assert wrap.should_wrap(_session(), [*others, *_events((K.PROMPT, "hi"))], long_end)


def _report(ulid: str = "01HWRAP") -> wrap.WrapReport:
    events = _events((K.PROMPT, "> /status"), (K.PROMPT, "> /status"), (K.WARN, "w"))
    return wrap.generate(
        _session(START.replace(microsecond=123000), ulid), events, START + timedelta(hours=2)
    )


def test_write_wrap_json_is_the_contract_shape(tmp_path: Path) -> None:
    directory = tmp_path / "state" / "wraps"
    path = wrap.write_wrap(_report(), directory)
    assert path == directory / "01HWRAP.json"
    assert sorted(os.listdir(directory)) == ["01HWRAP.json"]

    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == [
        "schema",
        "session_ulid",
        "started_at",
        "ended_at",
        "duration_secs",
        "total_events",
        "event_counts",
        "top_commands",
    ]
    assert data["schema"] == 1
    assert data["session_ulid"] == "01HWRAP"
    assert data["started_at"] == "2026-11-24T19:00:00.123Z"  # chrono serde: AutoSi + Z
    assert data["ended_at"] == "2026-11-24T21:00:00Z"
    assert data["duration_secs"] == 7199
    assert data["total_events"] == 3
    assert data["event_counts"] == {
        "prompt": 2,
        "command": 0,
        "system": 0,
        "warn": 1,
        "alert": 0,
        "mode_change": 0,
    }
    assert data["top_commands"] == [{"command": "/status", "count": 2}]


def test_write_wrap_replaces_an_older_wrap(tmp_path: Path) -> None:
    target = tmp_path / "01HWRAP.json"
    target.write_text("old", encoding="utf-8")
    wrap.write_wrap(_report(), tmp_path)
    assert json.loads(target.read_text(encoding="utf-8"))["total_events"] == 3
    assert os.listdir(tmp_path) == ["01HWRAP.json"]


@pytest.mark.parametrize("ulid", ["../x", "a/b", "", ".hidden", "x" * 129, "01H WRAP", "é"])
def test_unsafe_ulid_is_refused(tmp_path: Path, ulid: str) -> None:
    with pytest.raises(SerializationError, match="not safe as a file name"):
        wrap.write_wrap(_report(ulid), tmp_path / "wraps")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def old_wrap(tmp_path: Path) -> Path:
    target = tmp_path / "01HWRAP.json"
    target.write_text('{"previous": true}\n', encoding="utf-8")
    return target


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_leaves_nothing_partial(
    old_wrap: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, failing, boom)
    with pytest.raises(StoreIOError, match="nothing was written") as info:
        wrap.write_wrap(_report(), old_wrap.parent)
    assert str(old_wrap) in str(info.value)
    assert "No space left on device" in str(info.value)
    assert os.listdir(old_wrap.parent) == ["01HWRAP.json"]  # no temp file left behind
    assert old_wrap.read_text(encoding="utf-8") == '{"previous": true}\n'


def test_read_only_directory(tmp_path: Path) -> None:
    directory = tmp_path / "wraps"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        probe = directory / ".probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running as root: permission bits do not stop writes here")
        with pytest.raises(StoreIOError, match="cannot write") as info:
            wrap.write_wrap(_report(), directory)
        assert str(directory) in str(info.value)
        assert list(directory.iterdir()) == []
    finally:
        directory.chmod(0o700)


def test_wrap_from_a_store_traces_back_to_its_rows(tmp_path: Path) -> None:
    clock = fake_clock(step=timedelta(minutes=20))
    with Store.open(tmp_path / "s.db", clock=clock) as db:
        sid = db.start_session("01HE2E", None, "0.3.0", None)
        for kind, text in [(K.PROMPT, "> /status"), (K.WARN, "w"), (K.PROMPT, "> /pnl")] * 3:
            db.append(sid, kind, text)
        db.end_session(sid)
        session = db.get_session(sid)
        assert session is not None
        assert session.ended_at is not None
        events = list(db.iter_events(sid))
        counts = db.kind_counts(sid)

    assert wrap.should_wrap(session, events, session.ended_at)
    report = wrap.generate(session, events, session.ended_at)
    assert report.duration_secs == 10 * 20 * 60
    assert {k: v for k, v in json.loads(report.to_json())["event_counts"].items() if v} == counts
    assert [(c.command, c.count) for c in report.top_commands] == [("/pnl", 3), ("/status", 3)]
