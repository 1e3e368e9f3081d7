"""What ``SearchIndex.update`` indexes, batch by batch: the events after the last one indexed,
read from the database and grouped (``search_index_file.Group``), one batch read ahead in a
thread of its own while the previous one is written, so reading and grouping (about a third of
the work) overlap SQLite's tokenizing (which runs without the GIL).

Each batch is one statement on the database (one snapshot) and starts with the event the
previous batch ended with, re-read: a batch whose first event is no longer that one (same id
and digest) means the database changed under the update, and the reader says so (``MOVED``)
instead of reading on."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .search_index_file import GROUP, Group, text_digest
from .store import Store

__all__ = ["MOVED", "Batch", "batches", "read_ahead"]


@dataclass(frozen=True, slots=True)
class Batch:
    groups: list[Group]
    last_row: str  # the digest of its last event
    events: int


MOVED: Final = None
"""What ``batches`` yields, last, when the database changed under it."""

_DONE: Final = object()


def _groups(rows: Sequence[Sequence[Any]]) -> list[Group]:
    """Rows (id, text as bytes or str, ...; in id order) as groups of up to ``GROUP``."""
    groups: list[Group] = []
    for at in range(0, len(rows), GROUP):
        chunk = rows[at : at + GROUP]
        texts = [b"" if row[1] is None else row[1] for row in chunk]
        text: bytes | str = (
            b"\n".join(texts) if isinstance(texts[0], bytes) else "\n".join(map(str, texts))
        )
        head = text_digest(chunk[0][1])
        groups.append(Group(int(chunk[0][0]), int(chunk[-1][0]), text, head))
    return groups


def batches(
    source: Store,
    sql: str,
    last: tuple[int, str],
    newest: int,
    size: int,
    digest: Callable[[Sequence[Any]], str],
) -> Iterator[Batch | None]:
    """Batches of up to ``size`` events after ``last`` (id, digest of the event the index
    ends with; (0, "") for none) up to ``newest``; ``MOVED`` then stop when the database no
    longer has that event first. ``sql`` reads (id, text, ...) from an id on, with a limit;
    ``digest`` digests one of its rows."""
    last_id, last_row = last
    while last_id < newest:
        rows = source._rows(sql, (last_id or 1, size + 1 if last_id else size))
        if last_id:
            first = rows[0] if rows else None
            if first is None or (int(first[0]), digest(first)) != (last_id, last_row):
                yield MOVED
                return
            rows = rows[1:]
        if not rows:
            return
        last_id, last_row = int(rows[-1][0]), digest(rows[-1])
        yield Batch(_groups(rows), last_row, len(rows))


def read_ahead(items: Iterator[Batch | None]) -> Iterator[Batch | None]:
    """``items``, each produced in a thread one step ahead of its consumer. Closing this
    iterator (or the consumer stopping) stops the thread after its current step."""
    ready: queue.Queue[object] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.05)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            ready.put(error)

    worker = threading.Thread(target=produce, name="search-index-read", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                continue
        worker.join()
