"""``zero-session-tui show ULID[#SEQ]``: one session printed, streamed, from a seq on.

``--format text`` (the default) is a line per event, for ``grep`` and ``less``: seq, offset
from the start, kind, text (made inert; the lines of a multi-line text indented under it).
``md`` and ``jsonl`` are the exports' own bodies (``export.markdown_chunks``,
``jsonl_chunks``), so ``show --format jsonl > f`` is what ``export --format jsonl`` writes.

The session is read in ONE read snapshot of its database (``Store.read_snapshot``) from a
store of its own, in keyset pages: memory stays flat for a 200,000-event session, and what
is printed is one state of it whatever the client writes meanwhile.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from store import SessionRow, Store, StoredEvent

from ..catalog import Catalog
from ..export import PAGE, jsonl_chunks, markdown_chunks
from ..formatting import clock_offset, local_time
from ..sanitize import inert, one_line
from .opening import SessionNotFound, find_session, session_ref
from .runner import Context

__all__ = ["add_parser", "run"]

FORMATS = ("text", "md", "jsonl")
KIND_WIDTH = 11

EPILOG = """\
text: a line per event, `SEQ  +OFFSET  KIND  TEXT`; the lines of a multi-line text follow,
indented. Control, escape and bidi characters are shown as visible symbols in every format
(in jsonl as \\u escapes).

examples:
  zero-session-tui show 01JD3X7Q9T1W8R2M4K6N0P5S7V | less
  zero-session-tui show p5s7v#120 --format text | grep -i slippage
  zero-session-tui show p5s7v --format jsonl | jq -r 'select(.kind == "alert") | .text'"""


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "show",
        parents=[common],
        help="print one session (text, Markdown or JSON Lines)",
        description="Print one session's events, from event SEQ on when given.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "ref",
        type=session_ref,
        metavar="ULID[#SEQ]",
        help="the session (a ULID in any case, or its tail as the list shows it), and the "
        "first event to print",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    parser.set_defaults(run=run)


def text_lines(store: Store, session: SessionRow, from_seq: int | None) -> Iterator[str]:
    """The session as lines of text, from ``from_seq`` on (every event when None)."""
    yield _header(session)
    for event in _events(store, session.id, from_seq):
        yield from _event_lines(event, session)


def _header(session: SessionRow) -> str:
    started = local_time(session.started_at, UTC, seconds=True)
    version = one_line(session.cli_version, 80)[0]
    return f"# session {inert(session.ulid)}, started {started} UTC, CLI {version}"


def _events(store: Store, session_id: int, from_seq: int | None) -> Iterator[StoredEvent]:
    if from_seq is None:
        yield from store.iter_events(session_id, PAGE)
        return
    after = from_seq - 1
    while True:
        batch = store.events_after(session_id, after, PAGE)
        yield from batch
        if len(batch) < PAGE:
            return
        after = batch[-1].seq


def _event_lines(event: StoredEvent, session: SessionRow) -> Iterator[str]:
    offset = clock_offset(event.at, session.started_at)
    head = f"{event.seq:>6}  {offset:>10}  {inert(event.kind_label):<{KIND_WIDTH}}  "
    first, *rest = inert(event.text).split("\n")
    yield (head + first).rstrip()
    indent = " " * len(head)
    for line in rest:
        yield (indent + line).rstrip()


def _from_seq(chunks: Iterable[bytes], fmt: str, from_seq: int | None) -> Iterator[bytes]:
    """The export's chunks, those of events before ``from_seq`` left out. Each chunk after
    the Markdown head is one event (``export.markdown_chunks`` / ``jsonl_chunks``), whose seq
    is the JSON record's, or the number after ``### `` in Markdown."""
    if from_seq is None:
        yield from chunks
        return
    for index, chunk in enumerate(chunks):
        if fmt == "md":
            if index == 0:
                yield chunk  # the session's head
                continue
            seq = int(chunk[4 : chunk.index(b" ", 4)])
        else:
            seq = int(json.loads(chunk)["seq"])
        if seq >= from_seq:
            yield chunk


def run(args: argparse.Namespace, catalog: Catalog, context: Context) -> int:
    ulid, from_seq = args.ref
    key, found = find_session(catalog, ulid)
    with catalog.reader(key.partition) as store, store.read_snapshot():
        session = store.get_session_by_ulid(found.ulid)
        if session is None:
            raise SessionNotFound(f"the session {inert(found.ulid)} no longer exists")
        if from_seq is not None and not store.events_after(session.id, from_seq - 1, 1):
            raise SessionNotFound(
                f"the session {inert(session.ulid)} has no event at or after seq {from_seq}"
            )
        if args.format == "text":
            context.out.lines(text_lines(store, session, from_seq))
        else:
            render = markdown_chunks if args.format == "md" else jsonl_chunks
            context.out.chunks(_from_seq(render(store, session), args.format, from_seq))
    return 0
