"""The overview's one aggregate read: per local day counts that agree with counting the
sessions one by one, days folded in the caller's time zone east and west of UTC, the top
commands counted as the wrap report counts them, and one statement per database."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from _store_support import insert_events, insert_session, make_rust_db, tracer

from store import EventKind, SessionFilter, Store
from store.overview import DayCounts, merge_overviews, read_overview
from store.wrap import TOP_COMMANDS, command_of, generate

EAST = timezone(timedelta(hours=5, minutes=30))
WEST = timezone(timedelta(hours=-8))

PROMPTS = [
    "/status",
    "> /status now",
    "  /help me",
    "/status\tverbose",
    "\n/help",
    "not a command",
    "/",
    "/ spaced",
    ">/deploy prod",
    "/review",
    "/review",
    "/zzz",
    "/aaa",
    " " * 5_000 + "/padded after white space",
    "/long " + "x" * 100_000,
]


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Sessions on both sides of UTC midnight, with events of every kind and prompts."""
    path = tmp_path / "overview.db"
    make_rust_db(path)
    conn = sqlite3.connect(path)
    starts = [
        datetime(2026, 11, 23, 23, 40, tzinfo=UTC),  # the 24th in EAST
        datetime(2026, 11, 24, 3, 0, tzinfo=UTC),  # the 23rd in WEST
        datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 18, 45, tzinfo=UTC),  # the 25th in EAST
        datetime(2026, 11, 26, 9, 15, 30, 123456, tzinfo=UTC),
    ]
    kinds = ["prompt", "system", "command", "warn", "alert", "mode_change"]
    for number, start in enumerate(starts):
        sid = insert_session(conn, f"01OVERVIEW{number:016d}", _stamp(start))
        rows = []
        for n in range(7 + 5 * number):
            at = _stamp(start + timedelta(seconds=n + 1))
            kind = kinds[(n + number) % len(kinds)]
            text = PROMPTS[(n + number) % len(PROMPTS)] if kind == "prompt" else f"text {n}"
            rows.append((at, kind, text))
        rows += [(_stamp(start), "prompt", text) for text in PROMPTS[number:]]
        insert_events(conn, sid, rows)
    insert_session(conn, "01OVERVIEWEMPTY000000000000", _stamp(starts[2] + timedelta(minutes=1)))
    conn.commit()
    conn.close()
    return path


def _one_by_one(store: Store, where: SessionFilter, tz: tzinfo) -> list[DayCounts]:
    days: dict[date, list[int]] = {}
    for session in store.query_sessions(None, where=where):
        assert session.started_at is not None
        events = list(store.iter_events(session.id))
        counts = days.setdefault(session.started_at.astimezone(tz).date(), [0, 0, 0, 0])
        counts[0] += 1
        counts[1] += len(events)
        counts[2] += sum(e.kind is EventKind.WARN for e in events)
        counts[3] += sum(e.kind is EventKind.ALERT for e in events)
    return [DayCounts(day, *days[day]) for day in sorted(days)]


@pytest.mark.parametrize("tz", [UTC, EAST, WEST], ids=["utc", "east", "west"])
def test_counts_per_day_agree_with_counting_sessions_one_by_one(db: Path, tz: tzinfo) -> None:
    with Store.open_readonly(db) as store:
        for where in (
            SessionFilter(),
            SessionFilter(started_from=datetime(2026, 11, 24, 6, tzinfo=UTC)),
            SessionFilter(cli_version="0.3", started_before=datetime(2026, 11, 25, tzinfo=UTC)),
        ):
            assert list(read_overview(store, where, tz).days) == _one_by_one(store, where, tz)


def test_days_are_local_days_east_and_west_of_utc(db: Path) -> None:
    with Store.open_readonly(db) as store:
        utc = [d.day.day for d in read_overview(store, None, UTC).days]
        east = [(d.day.day, d.sessions) for d in read_overview(store, None, EAST).days]
        west = [(d.day.day, d.sessions) for d in read_overview(store, None, WEST).days]
    assert utc == [23, 24, 26]
    assert east == [(24, 4), (25, 1), (26, 1)]  # 23:40 UTC and 18:45 UTC move a day on
    assert west == [(23, 2), (24, 3), (26, 1)]  # 03:00 UTC is still the 23rd


def test_top_commands_agree_with_the_wrap_reports_counting(db: Path) -> None:
    with Store.open_readonly(db) as store:
        overview = read_overview(store, None, UTC)
        counted: Counter[str] = Counter()
        for session in store.query_sessions(None):
            assert session.started_at is not None
            events = list(store.iter_events(session.id))
            for event in events:
                if event.kind is EventKind.PROMPT and (command := command_of(event.text)):
                    counted[command] += 1
            alone = read_overview(
                store,
                SessionFilter(
                    started_from=session.started_at,
                    started_before=session.started_at + timedelta(seconds=1),
                ),
                UTC,
            )
            wrap = generate(session, events, session.started_at + timedelta(hours=3))
            assert alone.top() == wrap.top_commands  # one session: the wrap's own top five
    expected = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:TOP_COMMANDS]
    assert [(c.command, c.count) for c in overview.top()] == expected
    assert {"/status", "/help", "/deploy", "/padded", "/long"} <= {
        c.command for c in overview.commands
    }


def test_one_statement_per_database(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    other.write_bytes(db.read_bytes())
    overviews = []
    for path in (db, other):
        with Store.open_readonly(path) as store:
            statements, record = tracer()
            store.set_trace(record)
            overviews.append(read_overview(store, SessionFilter(cli_version="0.3"), WEST))
            store.set_trace(None)
            assert len(statements) == 1, statements
    merged = merge_overviews(overviews)
    assert [d.sessions for d in merged.days] == [2 * d.sessions for d in overviews[0].days]
    assert merged.top()[0].count == 2 * overviews[0].top()[0].count


def test_a_filter_matching_nothing_gives_an_empty_overview(db: Path) -> None:
    later = SessionFilter(started_from=datetime(2030, 1, 1, tzinfo=UTC))
    with Store.open_readonly(db) as store:
        overview = read_overview(store, later, UTC)
    assert overview.days == ()
    assert overview.commands == ()
