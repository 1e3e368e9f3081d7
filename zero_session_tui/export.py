"""Export one session as Markdown (for people) or JSON Lines (for programs).

An export is consistent and never destroys a good file:

- It reads ONE state of the session (``Store.read_snapshot``): in a WAL database, one read
  transaction from the header's count to the last row, so the header and the body agree
  whatever the ZERO client writes or deletes meanwhile (it goes on writing). In a
  rollback-journal database a transaction that long would block the client's commits, so
  none is held: the session is read in short keyset pages and verified at the end (it still
  exists under its ULID with the same row id, event count and last seq as the header said,
  and the pages gave exactly that many rows ending at that seq); otherwise the export fails
  with one line and writes nothing. (An edit of an event's text in place, or a session
  deleted and rebuilt identically during the export, is not detected there.) The same check
  runs in WAL too, where it re-reads the snapshot: a guard, it costs three index seeks.
- The session is looked up by the ULID the user saw, inside that read: a session deleted
  meanwhile gives "the session ULID no longer exists" and no file.
- A BLOB in an event's text column (plain SQL can store one) is exported as the bytes it
  is: its shown form (``⟨12 bytes: de ad …⟩``) as the text, and in JSON Lines all of it in
  hex as ``text_blob``; never Python's ``b'\\xde\\xad'``.
- Every event is exported, those with a seq <= 0 too (databases written by plain SQL have
  them): the pages start at the lowest INTEGER SQLite can hold.
- The file is streamed into a temp file put in place only when complete
  (``write_atomically``), and never over an existing file: ``<ulid>.md`` exists, so the new
  export is ``<ulid>-2.md``, and so on. Memory stays flat for a 200,000-event session.
- With a ``Redactor`` (``redaction.py``), secrets are masked in each event's text before it
  is made inert (and in the header's engine URL); its ``found`` lists them, for the count.
  A BLOB is redacted in its bytes decoded as UTF-8: when a secret is found there, the text
  is that decoded text, masked, and JSON Lines' ``text_blob`` is left out (hex would carry the
  secret); a BLOB without a secret is exported as without a redactor.

The store should be one of the export's own (the app opens a read-only one): a WAL snapshot
holds the store's lock for the whole export, so other users of a shared store would wait.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path

from store import SessionError, SessionRow, Store, StoredEvent, format_rfc3339
from store.atomic_write import is_safe_file_stem, write_atomically
from store.session_labels import SessionLabel

from .formatting import clock_offset
from .redaction import HEADER_SEQ, Redactor
from .sanitize import inert

__all__ = [
    "PAGE",
    "export_jsonl",
    "export_markdown",
    "export_path",
    "jsonl_chunks",
    "markdown_chunks",
    "masked_count",
]

PAGE = 2_000
"""Events per keyset page."""

Render = Callable[[Store, SessionRow, Redactor | None], Iterator[bytes]]

Bookmarks = Mapping[int, str | None]
"""The session's bookmarks (``store.annotations``): seq -> note (None: a bookmark, no note)."""


def export_path(directory: Path, session: SessionRow, suffix: str) -> Path:
    """The name an export of ``session`` asks for (the one written may be ``-2``...)."""
    name = session.ulid if is_safe_file_stem(session.ulid) else f"session-{session.id}"
    return directory / f"{name}.{suffix}"


def _stamp(moment: datetime | None) -> str:
    return format_rfc3339(moment) if moment is not None else "unknown"


def _gone(ulid: str) -> SessionError:
    return SessionError(f"the session {inert(ulid)} no longer exists; nothing was written")


def _changed(ulid: str, detail: str) -> SessionError:
    return SessionError(
        f"the session {inert(ulid)} changed while it was exported ({detail}); "
        "nothing was written, export it again"
    )


def _session_events(store: Store, session: SessionRow) -> tuple[int, Iterator[StoredEvent]]:
    """The session's event count and its events. Once the events are all read, the iterator
    raises unless they are exactly what the count said and the session is still so in the
    database: same ULID and row id, same count, same last seq. (Inside a WAL snapshot that
    re-reads the same state and passes; in rollback-journal mode it catches a change made
    between two pages.) Raising before the last chunk is written means the export is never
    put in place."""
    count = store.count_events(session.id)
    bounds = store.seq_bounds(session.id)
    last_seq = bounds[1] if bounds else None

    def checked() -> Iterator[StoredEvent]:
        rows = 0
        seen: int | None = None
        for event in store.iter_events(session.id, PAGE):
            rows += 1
            seen = event.seq
            yield event
        now = store.get_session_by_ulid(session.ulid)
        if now is None:
            raise _gone(session.ulid)
        if now.id != session.id:
            raise _changed(session.ulid, "it was replaced by another session of that ULID")
        bounds = store.seq_bounds(now.id)
        now_count, now_last = store.count_events(now.id), bounds[1] if bounds else None
        if (now_count, now_last) != (count, last_seq):
            raise _changed(
                session.ulid,
                f"{count:,} events up to seq {last_seq} when it started, "
                f"{now_count:,} up to seq {now_last} at the end",
            )
        if (rows, seen) != (count, last_seq):
            raise _changed(session.ulid, f"the header says {count:,} events, {rows:,} were read")

    return count, checked()


def _event_text(event: StoredEvent, redactor: Redactor | None) -> tuple[str, bool]:
    """The event's text to export (secrets masked with a redactor), and whether its BLOB's
    bytes may be exported (False once a secret was found in them)."""
    if redactor is None:
        return event.text, True
    if event.blob is not None:
        decoded = event.blob.decode("utf-8", errors="replace")
        masked, found = redactor.redact(event.seq, decoded)
        return (masked, False) if found else (event.text, True)
    return redactor.redact(event.seq, event.text)[0], True


def masked_count(redactor: Redactor | None) -> str:
    """`` (7 secrets masked)`` for an export's message, "" without a redactor."""
    if redactor is None:
        return ""
    count = len(redactor.found)
    return f" ({count:,} secret{'' if count == 1 else 's'} masked)"


def markdown_chunks(
    store: Store,
    session: SessionRow,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
    label: SessionLabel | None = None,
) -> Iterator[bytes]:
    """The session as Markdown, a chunk at a time (an export's body; `show --format md`).
    Read inside the caller's snapshot: the header's count and the body agree. With a
    ``redactor``, secrets are masked (and listed in ``redactor.found``). With a ``label``,
    the header has the session's name and tags (the browser's own, from its annotations)."""
    count, events = _session_events(store, session)
    engine = session.engine_base_url or "none"
    if redactor is not None:
        engine = redactor.redact(HEADER_SEQ, engine)[0]
    head = [
        f"# Session {inert(session.ulid)}",
        "",
        f"- started: {_stamp(session.started_at)}",
        f"- ended: {_stamp(session.ended_at) if session.ended_at else 'not ended'}",
        f"- CLI version: {inert(session.cli_version)}",
        f"- engine: {inert(engine)}",
        f"- forked from: {inert(session.parent_ulid) if session.parent_ulid else 'none'}",
        f"- events: {count:,}",
        *label_lines(label),
        "",
        "Control and invisible characters are shown as visible symbols.",
        "",
    ]
    yield ("\n".join(head) + "\n").encode()
    for event in events:
        text = inert(_event_text(event, redactor)[0])
        fence = "`" * max(3, _longest_backtick_run(text) + 1)
        offset = clock_offset(event.at, session.started_at)
        block = (
            f"### {event.seq} \u00b7 {offset} \u00b7 {inert(event.kind_label)}\n\n"
            f"{fence}text\n{text}\n{fence}\n\n"
        )
        if bookmarks is not None and event.seq in bookmarks:
            note = _note(event.seq, bookmarks[event.seq], redactor)
            said = inert(note).strip().replace("\n", "\n  ") if note else ""
            block += f"- bookmark: {said}\n\n" if said else "- bookmark\n\n"
        yield block.encode()


def _note(seq: int, note: str | None, redactor: Redactor | None) -> str | None:
    """A bookmark's note as exported: masked like the event's text (a note is typed by the
    user, who may paste a secret into it)."""
    if note is None or redactor is None:
        return note
    return redactor.redact(seq, note)[0]


def label_lines(label: SessionLabel | None) -> list[str]:
    """The Markdown header's name and tags lines (none when the session has neither)."""
    lines = []
    if label is not None and label.name:
        lines.append(f"- name: {inert(label.name)}")
    if label is not None and label.tags:
        lines.append(f"- tags: {' '.join(f'#{inert(tag)}' for tag in label.tags)}")
    return lines


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def jsonl_chunks(
    store: Store,
    session: SessionRow,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
) -> Iterator[bytes]:
    """The session as JSON Lines, one event a line (an export's body; `show --format jsonl`).
    With a ``redactor``, secrets are masked (and listed in ``redactor.found``)."""
    _count, events = _session_events(store, session)
    for event in events:
        text, blob_shown = _event_text(event, redactor)
        record = {
            "session_ulid": session.ulid,
            "seq": event.seq,
            "at": format_rfc3339(event.at) if event.at else None,
            "kind": event.kind_label,
            "text": text,
        }
        if event.blob is not None and blob_shown:
            # A BLOB in the text column: "text" shows its bytes, "text_blob" has them all.
            record["text_blob"] = event.blob.hex()
        if bookmarks is not None and event.seq in bookmarks:
            record["bookmark"] = {"note": _note(event.seq, bookmarks[event.seq], redactor)}
        # ensure_ascii: every control or invisible character is an escape in the file.
        yield (json.dumps(record, ensure_ascii=True) + "\n").encode()


def write_export(
    store: Store,
    session: SessionRow,
    directory: Path,
    suffix: str,
    render: Render,
    redactor: Redactor | None,
) -> Path:
    """Write ``render``'s chunks of the session ``session.ulid`` to a new file in
    ``directory``: the session found again by its ULID, and every chunk produced, inside one
    read snapshot; never over an existing file. Every export format goes through here."""
    with store.read_snapshot():
        current = store.get_session_by_ulid(session.ulid)
        if current is None:
            raise _gone(session.ulid)
        target = export_path(directory, current, suffix)
        chunks = render(store, current, redactor)
        return write_atomically(target, chunks, replace=False)


def export_markdown(
    store: Store,
    session: SessionRow,
    directory: Path,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
    label: SessionLabel | None = None,
) -> Path:
    """Export the session ``session.ulid`` as Markdown; returns the path written. With a
    ``redactor``, secrets are masked; ``redactor.found`` lists them once it returns. With
    ``bookmarks``, a "bookmark" line (and its note) follows each bookmarked event; with a
    ``label``, the header has its name and tags."""

    def render(store: Store, current: SessionRow, masks: Redactor | None) -> Iterator[bytes]:
        return markdown_chunks(store, current, redactor=masks, bookmarks=bookmarks, label=label)

    return write_export(store, session, directory, "md", render, redactor)


def export_jsonl(
    store: Store,
    session: SessionRow,
    directory: Path,
    *,
    redactor: Redactor | None = None,
    bookmarks: Bookmarks | None = None,
) -> Path:
    """Export the session ``session.ulid`` as JSON Lines; returns the path written. With a
    ``redactor``, secrets are masked; ``redactor.found`` lists them once it returns. With
    ``bookmarks``, a bookmarked event's line has ``"bookmark": {"note": ...}``."""

    def render(store: Store, current: SessionRow, masks: Redactor | None) -> Iterator[bytes]:
        return jsonl_chunks(store, current, redactor=masks, bookmarks=bookmarks)

    return write_export(store, session, directory, "jsonl", render, redactor)
