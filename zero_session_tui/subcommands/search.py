"""``zero-session-tui search TEXT``: the sessions and events that contain TEXT.

The same search as the app's (``screens/search.py``): sessions whose ULID, CLI version or
engine contains TEXT (``store.search_sessions``), then events whose text does, newest first,
through ``Catalog.search_events`` (the full-text index for what it has indexed, a scan for
the rest: always complete). Case-insensitive for ASCII letters.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from store import SearchHit, SessionSummary, format_rfc3339

from .. import exit_codes
from ..catalog import Catalog, Partition
from ..formatting import local_time
from ..sanitize import inert, one_line
from .opening import positive
from .runner import Context

__all__ = ["add_parser", "run"]

SNIPPET = 100
BEFORE = 30

EPILOG = """\
text: one line a match, starting with what `show` takes: `ULID` for a session whose ULID,
CLI version or engine matched, `ULID#SEQ` for an event, then its time (UTC), kind and the
text around the match (inert: control, escape and bidi characters shown as symbols).

examples:
  zero-session-tui search slippage | head
  zero-session-tui search 'risk limit' --json | jq -r '.[] | select(.match == "event") | .ref'"""


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "search",
        parents=[common],
        help="find sessions and events containing TEXT",
        description="Find the sessions (by ULID, CLI version, engine) and the events (by "
        "their text) that contain TEXT, newest first.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", metavar="TEXT", help="what to look for (not a pattern)")
    parser.add_argument("--json", action="store_true", help="one JSON array, for programs")
    parser.add_argument(
        "--limit",
        type=positive,
        default=100,
        metavar="N",
        help="at most N sessions and N events from each database (default 100)",
    )
    parser.set_defaults(run=run)


def _sessions(
    catalog: Catalog, needle: str, limit: int
) -> Iterator[tuple[Partition, SessionSummary]]:
    for partition in catalog.partitions:
        for summary in catalog.store(partition.index).search_sessions(needle, limit):
            yield partition, summary


def _events(catalog: Catalog, needle: str, limit: int) -> Iterator[tuple[Partition, SearchHit]]:
    for partition in catalog.partitions:
        for hit in catalog.search_events(partition.index, needle, limit):
            yield partition, hit


def snippet(text: str, needle: str) -> str:
    """One inert line of ``text`` around the first match of ``needle``."""
    at = text.casefold().find(needle.casefold())
    start = max(0, at - BEFORE) if at > BEFORE else 0
    line, cut = one_line(text[start:], SNIPPET)
    return ("\u2026" if start else "") + line + ("\u2026" if cut else "")


def _stamp(moment: Any) -> str | None:
    return format_rfc3339(moment) if moment is not None else None


def _records(catalog: Catalog, needle: str, limit: int) -> Iterator[dict[str, Any]]:
    """Each match for ``--json`` (schema: tests/cli/schemas/search.json)."""
    for partition, summary in _sessions(catalog, needle, limit):
        session = summary.session
        yield {
            "match": "session",
            "ref": session.ulid,
            "ulid": session.ulid,
            "at": _stamp(session.started_at),
            "cli_version": session.cli_version,
            "engine": session.engine_base_url,
            "events": summary.event_count,
            "database": str(partition.path),
        }
    for partition, hit in _events(catalog, needle, limit):
        yield {
            "match": "event",
            "ref": hit.link,
            "ulid": hit.session_ulid,
            "seq": hit.event.seq,
            "at": _stamp(hit.event.at),
            "kind": hit.event.kind_label,
            "text": hit.event.text,
            "database": str(partition.path),
        }


def _lines(catalog: Catalog, needle: str, limit: int) -> Iterator[str]:
    label = catalog.multiple
    for partition, summary in _sessions(catalog, needle, limit):
        session = summary.session
        where = f"  [{inert(partition.label)}]" if label else ""
        yield (
            f"{inert(session.ulid)}  {local_time(session.started_at, UTC)}  session"
            f"  CLI {one_line(session.cli_version, 40)[0]}"
            f"  engine {one_line(session.engine_base_url or '-', 80)[0]}"
            f"  {summary.event_count:,} events{where}"
        )
    for partition, hit in _events(catalog, needle, limit):
        where = f"  [{inert(partition.label)}]" if label else ""
        yield (
            f"{inert(hit.link)}  {local_time(hit.event.at, UTC)}"
            f"  {inert(hit.event.kind_label)}  {snippet(hit.event.text, needle)}{where}"
        )


def run(args: argparse.Namespace, catalog: Catalog, context: Context) -> int:
    if not args.text.strip():
        context.say("search: give some text to look for")
        return exit_codes.USAGE
    if args.json:
        context.out.json_array(_records(catalog, args.text, args.limit))
    else:
        context.out.lines(_lines(catalog, args.text, args.limit))
    return 0
