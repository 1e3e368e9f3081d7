"""The overview of many sessions: per local day, how many sessions started and their events,
warnings and alerts; and the operator commands prompted most, counted as ``wrap`` counts them.

One statement per database: the sessions passing the list's filter (a scan of sessions, as the
list does) joined to their events by the client's ``(session_id, seq)`` index. Days are the
caller's local days: SQL groups by UTC minute of the session's start (every time zone's offset
is a whole number of minutes), Python folds the minutes into local days, so a day boundary is
right east and west of UTC and across a DST change. A session's events count on the day it
started (the day Enter on the overview filters the list to).

The commands: SQL cuts each prompt's first word (``substr``/``instr`` after trimming ASCII
white space and a leading ``>``, in its first ``HEAD`` characters), marks a word with more
text after it (``/ x`` is the command ``/``, a bare ``/`` is none) and counts those starting
with ``/``, most first, up to ``CANDIDATES``; Python folds each word through
``wrap.command_of`` (the wrap report's rule).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from . import listing
from .base import StoreBase
from .listing import SessionFilter
from .wrap import TOP_COMMANDS, CommandCount, command_of

__all__ = ["CANDIDATES", "DayCounts", "Overview", "merge_overviews", "read_overview"]

CANDIDATES = 50
"""First words read per database, before folding and merging into the top ``TOP_COMMANDS``."""

_WS = "' ' || char(9, 10, 11, 12, 13)"
HEAD = 1024
"""Characters of a prompt looked at (after its leading white space): a longer first word is
cut there."""

# Each step MATERIALIZED: flattened, every use of a column repeats its whole expression.
_WORDS = f"""
WITH p AS MATERIALIZED (
    SELECT substr(ltrim(CAST(e.text AS TEXT), {_WS}), 1, {HEAD}) AS x
    FROM sessions s CROSS JOIN events e ON e.session_id = s.id{{where}} e.kind = 'prompt'),
q AS MATERIALIZED (
    SELECT ltrim(substr(y, 1 + (substr(y, 1, 1) = '>')), ' ') AS t FROM (
        SELECT replace(replace(replace(replace(replace(x, char(9), ' '), char(10), ' '),
            char(11), ' '), char(12), ' '), char(13), ' ') AS y
        FROM p WHERE substr(x, 1, 1) IN ('/', '>'))),
r AS MATERIALIZED (SELECT t, substr(t, 1, instr(t || ' ', ' ') - 1) AS w FROM q)
"""


def _sql(clause: str) -> str:
    # Only ``where_clause``'s whitelisted SQL is joined in; every value is a parameter.
    joined = f"{clause} AND" if clause else " WHERE"
    # Counted per session first (the outer scan's rowid order: no sort), then per minute.
    days = (
        "SELECT 'day', strftime('%Y-%m-%dT%H:%M', started_at) AS bucket,"
        " COUNT(*), SUM(n), SUM(w), SUM(a) FROM ("
        "SELECT s.started_at, COUNT(e.id) AS n, COALESCE(SUM(e.kind = 'warn'), 0) AS w,"
        " COALESCE(SUM(e.kind = 'alert'), 0) AS a"
        f" FROM sessions s LEFT JOIN events e ON e.session_id = s.id{clause} GROUP BY s.id)"
        " GROUP BY bucket"
    )
    # A word with more after it is marked: ``/ x`` is the command ``/``, a bare ``/`` none.
    commands = (
        "SELECT * FROM (SELECT 'command',"
        f" w || CASE WHEN length(rtrim(t, {_WS})) > length(w) THEN ' +' ELSE '' END AS word,"
        " COUNT(*), 0, 0, 0 FROM r WHERE w LIKE '/%' GROUP BY word"
        " ORDER BY COUNT(*) DESC, word LIMIT ?)"
    )
    return f"{_WORDS.format(where=joined)}{days} UNION ALL {commands}"


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date
    sessions: int
    events: int
    warn: int
    alert: int


@dataclass(frozen=True, slots=True)
class Overview:
    days: tuple[DayCounts, ...]
    """Oldest first; only days on which a session started."""
    commands: tuple[CommandCount, ...]
    """Most prompted first (ties by name), as many as were read: ``top`` cuts them."""

    def top(self, count: int = TOP_COMMANDS) -> tuple[CommandCount, ...]:
        return self.commands[:count]


def _word(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _fold(days: dict[date, list[int]], commands: Counter[str]) -> Overview:
    ordered = tuple(DayCounts(day, *days[day]) for day in sorted(days))
    top = sorted(commands.items(), key=lambda item: (-item[1], item[0]))
    return Overview(ordered, tuple(CommandCount(name, count) for name, count in top))


def read_overview(store: StoreBase, where: SessionFilter | None, tz: tzinfo | None) -> Overview:
    """The overview of one database's sessions passing ``where``: one statement."""
    clause, params = listing.where_clause(where or SessionFilter())
    # The filter's parameters appear twice: in the days part and in the commands part.
    rows = store._rows(_sql(clause), (*params, *params, CANDIDATES))
    days: dict[date, list[int]] = {}
    commands: Counter[str] = Counter()
    for part, bucket, sessions, events, warn, alert in rows:
        if part == "day":
            if bucket is None:
                continue  # an unreadable start time: on no day
            utc = datetime.strptime(bucket, "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
            counts = days.setdefault(utc.astimezone(tz).date(), [0, 0, 0, 0])
            for index, value in enumerate((sessions, events, warn, alert)):
                counts[index] += int(value)
        else:
            command = command_of(_word(bucket))
            if command is not None:
                commands[command] += int(sessions)
    return _fold(days, commands)


def merge_overviews(overviews: Iterable[Overview]) -> Overview:
    """Several databases' overviews as one (the days and the commands added up)."""
    days: dict[date, list[int]] = {}
    commands: Counter[str] = Counter()
    for overview in overviews:
        for day in overview.days:
            counts = days.setdefault(day.day, [0, 0, 0, 0])
            for index, value in enumerate((day.sessions, day.events, day.warn, day.alert)):
                counts[index] += value
        for command in overview.commands:
            commands[command.command] += command.count
    return _fold(days, commands)
