"""``zero-session-tui list``: every session, newest first, as a plain table or JSON.

The table streams (fixed column widths: a row is printed as it is read), times in UTC; the
JSON is one array, for programs (``jq``), the text as stored (``\\u`` escapes: inert too).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from store import format_rfc3339

from ..catalog import Catalog, SessionItem, status_of
from ..formatting import engine_label, local_time
from ..sanitize import inert, one_line
from .opening import positive
from .output import Column, heading_line, table_line
from .runner import Context

__all__ = ["add_parser", "run"]

PAGE = 200
PROMPT_SHOWN = 60

EPILOG = """\
columns: the full ULID (for `show` and `export`), when it started (UTC), ended / open / live
(no end, an event in the last 5 minutes), its events, CLI version, engine host, the database
(with several --db), and the start of its first prompt. Text from the database is made inert:
control, escape and bidi characters are shown as visible symbols.

examples:
  zero-session-tui list | head -5
  zero-session-tui list --json | jq -r '.[] | select(.events == 0) | .ulid'"""


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "list",
        parents=[common],
        help="list the sessions, newest first",
        description="List every session, newest first: a plain table, or JSON with --json.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="one JSON array, for programs")
    parser.add_argument(
        "--limit", type=positive, metavar="N", help="at most N sessions (default: all)"
    )
    parser.set_defaults(run=run)


def sessions(catalog: Catalog, limit: int | None) -> Iterator[SessionItem]:
    """Every session of every database, newest first (the app's list, merged the same way)."""
    pager = catalog.pager(PAGE if limit is None else min(PAGE, limit))
    shown = 0
    while not pager.exhausted:
        for item in pager.next_page():
            if limit is not None and shown >= limit:
                return
            shown += 1
            yield item


def _stamp(moment: datetime | None) -> str | None:
    return format_rfc3339(moment) if moment is not None else None


def record(item: SessionItem, now: datetime) -> dict[str, Any]:
    """One session for ``--json`` (schema: tests/cli/schemas/list.json)."""
    session, summary = item.session, item.summary
    return {
        "ulid": session.ulid,
        "started_at": _stamp(session.started_at),
        "ended_at": _stamp(session.ended_at),
        "last_event_at": _stamp(summary.last_event_at),
        "status": status_of(item, now),
        "events": summary.event_count,
        "warnings": summary.warn_count,
        "alerts": summary.alert_count,
        "cli_version": session.cli_version,
        "engine": session.engine_base_url,
        "parent_ulid": session.parent_ulid,
        "first_prompt": item.first_prompt,
        "database": str(item.partition.path),
    }


def _columns(multiple: bool) -> list[Column]:
    columns = [
        Column("ULID", 26),
        Column("STARTED (UTC)", 16),
        Column("STATUS", 6),
        Column("EVENTS", 7, right=True),
        Column("CLI", 10),
        Column("ENGINE", 22),
    ]
    if multiple:
        columns.append(Column("DATABASE", 14))
    return [*columns, Column("FIRST PROMPT")]


def row(item: SessionItem, now: datetime, multiple: bool) -> list[str]:
    session = item.session
    prompt, cut = one_line(item.first_prompt, PROMPT_SHOWN)
    cells = [
        inert(session.ulid),
        local_time(session.started_at, UTC),
        status_of(item, now),
        f"{item.summary.event_count:,}",
        one_line(session.cli_version, 40)[0],
        one_line(engine_label(session.engine_base_url), 60)[0],
    ]
    if multiple:
        cells.append(inert(item.partition.label))
    return [*cells, prompt + ("\u2026" if cut else "")]


def run(args: argparse.Namespace, catalog: Catalog, context: Context) -> int:
    now = context.clock()
    found = sessions(catalog, args.limit)
    if args.json:
        context.out.json_array(record(item, now) for item in found)
        return 0
    columns = _columns(catalog.multiple)
    context.out.line(heading_line(columns))
    for item in found:
        context.out.line(table_line(columns, row(item, now, catalog.multiple)))
    return 0
