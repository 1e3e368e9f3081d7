"""Export one session as Markdown (for people) or JSON Lines (for programs).

Both stream the session in keyset pages into a temp file renamed into place: memory stays flat
for a 200,000-event session, and a failure leaves no partial file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from store import SessionRow, Store, format_rfc3339
from store.atomic_write import write_atomically

from .formatting import clock_offset
from .sanitize import inert

__all__ = ["export_jsonl", "export_markdown", "export_path"]

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,128}")


def export_path(directory: Path, session: SessionRow, suffix: str) -> Path:
    name = session.ulid if _SAFE.fullmatch(session.ulid) else f"session-{session.id}"
    return directory / f"{name}.{suffix}"


def _stamp(moment: datetime | None) -> str:
    return format_rfc3339(moment) if moment is not None else "unknown"


def _markdown(store: Store, session: SessionRow) -> Iterator[bytes]:
    count = store.count_events(session.id)
    head = [
        f"# Session {inert(session.ulid)}",
        "",
        f"- started: {_stamp(session.started_at)}",
        f"- ended: {_stamp(session.ended_at) if session.ended_at else 'not ended'}",
        f"- CLI version: {inert(session.cli_version)}",
        f"- engine: {inert(session.engine_base_url or 'none')}",
        f"- forked from: {inert(session.parent_ulid) if session.parent_ulid else 'none'}",
        f"- events: {count:,}",
        "",
        "Control and invisible characters are shown as visible symbols.",
        "",
    ]
    yield ("\n".join(head) + "\n").encode()
    for event in store.iter_events(session.id):
        text = inert(event.text)
        fence = "`" * max(3, _longest_backtick_run(text) + 1)
        offset = clock_offset(event.at, session.started_at)
        block = (
            f"### {event.seq} \u00b7 {offset} \u00b7 {inert(event.kind_label)}\n\n"
            f"{fence}text\n{text}\n{fence}\n\n"
        )
        yield block.encode()


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def _jsonl(store: Store, session: SessionRow) -> Iterator[bytes]:
    for event in store.iter_events(session.id):
        record = {
            "session_ulid": session.ulid,
            "seq": event.seq,
            "at": format_rfc3339(event.at) if event.at else None,
            "kind": event.kind_label,
            "text": event.text,
        }
        # ensure_ascii: every control or invisible character is an escape in the file.
        yield (json.dumps(record, ensure_ascii=True) + "\n").encode()


def export_markdown(store: Store, session: SessionRow, directory: Path) -> Path:
    return write_atomically(export_path(directory, session, "md"), _markdown(store, session))


def export_jsonl(store: Store, session: SessionRow, directory: Path) -> Path:
    return write_atomically(export_path(directory, session, "jsonl"), _jsonl(store, session))
