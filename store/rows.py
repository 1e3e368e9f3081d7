"""Row types, as the Rust crate names them, plus the browser's summaries and search hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .kinds import EventKind

__all__ = [
    "BLOB_SHOWN",
    "SearchHit",
    "SessionRow",
    "SessionSummary",
    "StoredEvent",
    "blob_text",
    "event_text",
]

BLOB_SHOWN = 16
"""Bytes of a BLOB a text column holds that its shown form lists in hex."""


def blob_text(data: bytes) -> str:
    """How a BLOB in a text column reads: ``⟨12 bytes: de ad be ef …⟩`` (ASCII hex, inert)."""
    shown = " ".join(f"{byte:02x}" for byte in data[:BLOB_SHOWN])
    more = " \u2026" if len(data) > BLOB_SHOWN else ""
    unit = "byte" if len(data) == 1 else "bytes"
    return f"\u27e8{len(data):,} {unit}: {shown}{more}\u27e9" if data else "\u27e80 bytes\u27e9"


def event_text(value: object) -> str:
    """An event's text as stored: TEXT as is, a BLOB (plain SQL can store one) as its bytes
    (``blob_text``), NULL as "", a number as its digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return blob_text(bytes(value))
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One row of ``sessions``. Times are aware UTC datetimes, None when unknown."""

    id: int
    ulid: str
    started_at: datetime | None
    ended_at: datetime | None
    engine_base_url: str | None
    cli_version: str
    parent_ulid: str | None

    @property
    def is_fork(self) -> bool:
        return self.parent_ulid is not None


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One row of ``events``.

    ``kind`` maps an unknown stored string to ``SYSTEM`` as the Rust client does;
    ``raw_kind`` keeps the string as stored so a reader can show what was really there.
    """

    id: int
    session_id: int
    seq: int
    at: datetime | None
    kind: EventKind
    text: str
    raw_kind: str = field(default="", compare=False)
    blob: bytes | None = field(default=None, compare=False, repr=False)
    """The bytes when the text column held a BLOB (``text`` then shows them, ``blob_text``)."""

    @property
    def kind_label(self) -> str:
        """The stored kind string (the unknown one included)."""
        return self.raw_kind or self.kind.value

    @property
    def kind_is_known(self) -> bool:
        return not self.raw_kind or self.raw_kind == self.kind.value


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A session with what a list shows about it, computed in one query."""

    session: SessionRow
    event_count: int
    last_event_at: datetime | None
    warn_count: int
    alert_count: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An event whose text matched a search, with the session it belongs to."""

    session_ulid: str
    event: StoredEvent

    @property
    def link(self) -> str:
        """``ULID#SEQ``, the form ``--session`` accepts."""
        return f"{self.session_ulid}#{self.event.seq}"
