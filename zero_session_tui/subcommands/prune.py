"""``zero-session-tui prune``: delete empty sessions, or sessions older than a duration.

A dry run by default: it lists what would go and changes nothing (the databases are opened
read-only). ``--yes`` deletes exactly those sessions, each through
``Store.delete_session_by_ulid`` (the row is looked up by its ULID inside the write, so a
reused row id or a replaced file never loses another session), after checking again that
each still is what was listed (the same row id, no events added when it was picked for being
empty). A session still being written (no end, an event in the last 5 minutes) is never
picked, and neither is a session with forks (its children would lose their parent).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import exit_codes
from ..catalog import Catalog, Partition, SessionItem, is_live
from ..formatting import duration, local_time, plural
from ..sanitize import inert
from .list_sessions import sessions
from .output import Column, heading_line, table_line
from .runner import Context

__all__ = ["add_parser", "parse_duration", "run"]

UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([wdhms])")

EPILOG = """\
which sessions:
  (no option)               empty sessions (no events)
  --older-than DURATION     sessions whose last event (or end, or start) is older than that:
                            30d, 12h, 90m, 2w, 1d12h
  --empty --older-than D    empty sessions older than D
A live session (no end, an event in the last 5 minutes) and a session with forks are never
pruned.

exit status: 0 (whether or not anything was to go), 2 if a database cannot be read or written.

examples:
  zero-session-tui prune                      (lists the empty sessions; deletes nothing)
  zero-session-tui prune --older-than 90d --yes"""


def parse_duration(value: str) -> timedelta:
    """``30d``, ``12h``, ``1d12h``: a positive duration (weeks, days, hours, minutes, seconds)."""
    text = value.strip().lower()
    if not text or _PART.sub("", text) or not _PART.search(text):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a duration: give a number and a unit (w, d, h, m, s), as 30d"
        )
    seconds = sum(int(number) * UNITS[unit] for number, unit in _PART.findall(text))
    if seconds == 0:
        raise argparse.ArgumentTypeError(f"{value!r}: give a duration longer than 0")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{value!r} is too long a duration") from None


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "prune",
        parents=[common],
        help="delete empty or old sessions (a dry run unless --yes)",
        description="List the sessions to delete (empty ones, or those older than a "
        "duration); delete them with --yes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--empty", action="store_true", help="sessions without events")
    parser.add_argument(
        "--older-than",
        type=parse_duration,
        metavar="DURATION",
        help="sessions whose last activity is older than DURATION (30d, 12h)",
    )
    parser.add_argument("--yes", action="store_true", help="delete them (default: a dry run)")
    parser.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class Doomed:
    item: SessionItem
    age: timedelta

    @property
    def partition(self) -> Partition:
        return self.item.partition


def _last_activity(item: SessionItem) -> datetime | None:
    session = item.session
    return item.summary.last_event_at or session.ended_at or session.started_at


def chosen(
    catalog: Catalog, now: datetime, *, empty: bool, older_than: timedelta | None
) -> Iterator[Doomed]:
    """The sessions to delete, newest first (counted as the list counts them; checked again
    in the database before each delete)."""
    parents = _parents(catalog)
    for item in sessions(catalog, None):
        last = _last_activity(item)
        age = now - last if last is not None else timedelta(0)
        if empty and item.summary.event_count:
            continue
        if older_than is not None and (last is None or age <= older_than):
            continue
        if is_live(item.session, item.summary.last_event_at, now):
            continue
        if (item.partition.index, item.session.ulid) in parents:
            continue
        yield Doomed(item, age)


def _parents(catalog: Catalog) -> set[tuple[int, str]]:
    """(partition, ULID) of every session another one was forked from."""
    return {
        (item.partition.index, item.session.parent_ulid)
        for item in sessions(catalog, None)
        if item.session.parent_ulid
    }


COLUMNS = [
    Column("ULID", 26),
    Column("STARTED (UTC)", 16),
    Column("EVENTS", 7, right=True),
    Column("IDLE FOR", 8),
    Column("DATABASE"),
]


def _row(doomed: Doomed) -> str:
    session = doomed.item.session
    return table_line(
        COLUMNS,
        [
            inert(session.ulid),
            local_time(session.started_at, UTC),
            f"{doomed.item.summary.event_count:,}",
            duration(doomed.age),
            inert(str(doomed.partition.path)),
        ],
    )


def _delete(catalog: Catalog, doomed: Doomed, empty: bool) -> bool:
    """Delete one listed session if it still is what was listed; whether it went."""
    session = doomed.item.session
    with catalog.writer(doomed.partition.index) as store:
        now = store.get_session_by_ulid(session.ulid)
        if now is None or now.id != session.id:
            return False
        if empty and store.count_events(now.id):
            return False  # the client wrote to it since: not empty any more
        return store.delete_session_by_ulid(session.ulid)


def run(args: argparse.Namespace, catalog: Catalog, context: Context) -> int:
    empty = args.empty or args.older_than is None
    found = list(chosen(catalog, context.clock(), empty=empty, older_than=args.older_than))
    events = sum(doomed.item.summary.event_count for doomed in found)
    what = f"{plural(len(found), 'session')} ({plural(events, 'event')})"
    if not found:
        context.out.line("nothing to prune")
        return exit_codes.OK
    context.out.line(heading_line(COLUMNS))
    if not args.yes:
        context.out.lines(_row(doomed) for doomed in found)
        context.out.line(f"would delete {what}; nothing deleted: run again with --yes")
        return exit_codes.OK
    gone = kept = gone_events = 0
    for doomed in found:
        if _delete(catalog, doomed, empty):
            gone += 1
            gone_events += doomed.item.summary.event_count
            context.out.line(_row(doomed))
        else:
            kept += 1
    summary = f"deleted {plural(gone, 'session')} ({plural(gone_events, 'event')})"
    if kept:
        summary += f"; {plural(kept, 'session')} changed or went meanwhile, kept"
    context.out.line(summary)
    return exit_codes.OK
