"""RFC 3339 stamps as chrono writes them (``to_rfc3339()``: AutoSi fraction, ``+00:00``) and
reads them; an unparseable stamp is None, never "now"."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import format_rfc3339, parse_rfc3339

BASE = datetime(2026, 11, 24, 19, 7, 20, tzinfo=UTC)
AUTO_SI = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?\+00:00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-24T19:07:20+00:00", BASE),
        ("2026-11-24T19:07:20.123+00:00", BASE.replace(microsecond=123000)),
        ("2026-11-24T19:07:20.123456+00:00", BASE.replace(microsecond=123456)),
        ("2026-11-24T19:07:20.123456789+00:00", BASE.replace(microsecond=123456)),
        ("2026-11-24T19:07:20.999999999+00:00", BASE.replace(microsecond=999999)),
        ("2026-11-24T19:07:20.5+00:00", BASE.replace(microsecond=500000)),
        ("2026-11-24T19:07:20Z", BASE),
        ("2026-11-24T19:07:20.123456789Z", BASE.replace(microsecond=123456)),
        ("2026-11-24t19:07:20z", BASE),
        ("2026-11-24 19:07:20+00:00", BASE),
        ("2026-11-24T20:37:20+01:30", BASE),
        ("2026-11-24T11:07:20-08:00", BASE),
        ("2026-11-25T00:07:20.000001+05:00", BASE.replace(microsecond=1)),
        ("2026-11-24T19:07:20-00:00", BASE),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_chrono_forms(raw: str, expected: datetime) -> None:
    parsed = parse_rfc3339(raw)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "now",
        "garbage-stamp",
        "2026-11-24",  # a day is not a time (SQLite's date() writes it)
        "19:07:20",  # nor is a time of day without its date (SQLite's time())
        "2461004.5",  # a julian day as text
        "2026-11-24 19:07:20 +00:00",
        "2026-11-24 19:7:20",
        "2026-11-24 19",
        "2026-11-24T19:07:20+0000",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-11-24T24:00:00Z",
        "2026-11-24T19:61:00Z",
        "2026-11-24T19:07:20+24:00",
        "2026-11-24T19:07:20+05:60",
        "0000-01-01T00:00:00Z",
        "2026-11-24T19:07:20.Z",
        "20261124T190720Z",
        "2026-11-24T19:07:20+00:00 trailing",
        "\uff12\uff10\uff12\uff16-11-24T19:07:20Z",  # fullwidth digits: chrono wants ASCII
        "\u0662\u0660\u0662\u0666-11-24T19:07:20Z",  # Arabic-Indic digits
        "2026-11-24T19:07:20.\uff11\uff12\uff13Z",
    ],
)
def test_parse_garbage_is_none(raw: str) -> None:
    assert parse_rfc3339(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-24 19:07:20", BASE),  # SQLite's datetime()
        ("2026-11-24 19:07:20.123", BASE.replace(microsecond=123000)),  # 'subsec'
        ("2026-11-24T19:07:20", BASE),
        ("2026-11-24T19:07:20.500", BASE.replace(microsecond=500000)),  # strftime %f
        ("2026-11-24 19:07", BASE.replace(second=0)),  # SQLite's HH:MM
        ("2026-11-24T19:07Z", BASE.replace(second=0)),
        ("2026-11-24 20:07+01:00", BASE.replace(second=0)),
        ("  2026-11-24 19:07:20  ", BASE),
        ("9999-12-31 23:59:59", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("0001-01-01 00:00:00", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_sqlite_forms_as_utc(raw: str, expected: datetime) -> None:
    parsed = parse_rfc3339(raw)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo == UTC


def test_parse_what_sqlite_date_functions_write() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        moment = "2026-11-24 19:07:20.250"
        written = conn.execute(
            "SELECT datetime(?), strftime('%Y-%m-%dT%H:%M:%f', ?), strftime('%Y-%m-%d %H:%M', ?),"
            " datetime(julianday(?)), date(?), time(?)",
            (moment,) * 6,
        ).fetchone()
    finally:
        conn.close()
    parsed = [parse_rfc3339(value) for value in written]
    assert parsed == [
        BASE,
        BASE.replace(microsecond=250000),
        BASE.replace(second=0),
        BASE,
        None,  # date(): a day
        None,  # time(): no date
    ]


@pytest.mark.parametrize("raw", [None, 1732475240, 1.5, b"2026-11-24T19:07:20Z", BASE])
def test_parse_non_string_is_none(raw: object) -> None:
    assert parse_rfc3339(raw) is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (BASE, "2026-11-24T19:07:20+00:00"),
        (BASE.replace(microsecond=123000), "2026-11-24T19:07:20.123+00:00"),
        (BASE.replace(microsecond=1000), "2026-11-24T19:07:20.001+00:00"),
        (BASE.replace(microsecond=123456), "2026-11-24T19:07:20.123456+00:00"),
        (BASE.replace(microsecond=120), "2026-11-24T19:07:20.000120+00:00"),
        (
            datetime(2026, 11, 24, 20, 37, 20, tzinfo=timezone(timedelta(hours=1, minutes=30))),
            "2026-11-24T19:07:20+00:00",
        ),
        (datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC), "0005-01-02T03:04:05+00:00"),
        (datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), "0999-12-31T23:59:59.999999+00:00"),
    ],
)
def test_format_like_chrono_auto_si(moment: datetime, expected: str) -> None:
    assert format_rfc3339(moment) == expected
    assert parse_rfc3339(expected) == moment


def test_format_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_rfc3339(datetime(2026, 11, 24, 19, 7, 20))


utc_moments = st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
offset_moments = st.datetimes(
    min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets
)


@settings(max_examples=300, deadline=None)
@given(utc_moments)
def test_round_trip_utc(moment: datetime) -> None:
    text = format_rfc3339(moment)
    assert AUTO_SI.fullmatch(text), text
    if len(text) == len("2026-11-24T19:07:20.123456+00:00"):
        assert moment.microsecond % 1000 != 0  # AutoSi: never more digits than needed
    assert parse_rfc3339(text) == moment


@settings(max_examples=200, deadline=None)
@given(offset_moments)
def test_round_trip_any_offset(moment: datetime) -> None:
    parsed = parse_rfc3339(format_rfc3339(moment))
    assert parsed == moment
    assert parsed is not None
    assert parsed.tzinfo == UTC


@settings(max_examples=200, deadline=None)
@given(offset_moments)
def test_parse_offset_form(moment: datetime) -> None:
    # What chrono writes for a DateTime<FixedOffset>: the local time with its own offset.
    assert parse_rfc3339(moment.isoformat()) == moment


@settings(max_examples=200, deadline=None)
@given(utc_moments, st.integers(min_value=0, max_value=999))
def test_parse_nanoseconds_truncates(moment: datetime, extra: int) -> None:
    seconds = format_rfc3339(moment.replace(microsecond=0)).removesuffix("+00:00")
    text = f"{seconds}.{moment.microsecond:06d}{extra:03d}+00:00"  # chrono's 9 digits
    assert parse_rfc3339(text) == moment


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1000, 1, 1),
            max_value=datetime(9999, 12, 31),
            timezones=st.just(UTC),
        ),
        min_size=2,
        max_size=20,
    )
)
def test_text_order_is_time_order(moments: list[datetime]) -> None:
    # The store sorts sessions by started_at as TEXT: that must be chronological.
    by_text = sorted(moments, key=format_rfc3339)
    assert by_text == sorted(moments)
