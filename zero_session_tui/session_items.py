"""What the session list is made of: partitions (the databases), keys, and list items."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from store import SessionRow, SessionSummary
from store.session_labels import SessionLabel

__all__ = ["FileChange", "Partition", "SessionItem", "SessionKey", "prompt_text"]


@dataclass(frozen=True, slots=True)
class Partition:
    index: int
    path: Path
    label: str


@dataclass(frozen=True, slots=True)
class FileChange:
    """A database file replaced or removed under the app."""

    partition: Partition
    what: str  # "replaced", "removed" or "restored"

    def describe(self) -> str:
        if self.what == "removed":
            return f"{self.partition.path} was removed: its sessions are gone from the list"
        if self.what == "restored":
            return f"{self.partition.path} is back: its sessions are listed again"
        return f"{self.partition.path} was replaced by another file: reopened"


@dataclass(frozen=True, slots=True)
class SessionKey:
    partition: int
    session_id: int


@dataclass(frozen=True, slots=True)
class SessionItem:
    """One line of the session list."""

    key: SessionKey
    partition: Partition
    summary: SessionSummary
    first_prompt: str = ""
    """The session's first prompt (its start: one line of a list), as stored; "" if none."""
    label: SessionLabel = field(default_factory=SessionLabel)
    """Its name and tags, from the browser's annotations file (``label_book``), joined per
    page; empty when it has none (or the file cannot be read)."""

    @property
    def session(self) -> SessionRow:
        return self.summary.session


def prompt_text(stored: object) -> str:
    """A first prompt as the store gave it, as text (not yet made inert): a BLOB becomes its
    leading bytes in hex, nothing becomes ""."""
    if stored is None:
        return ""
    if isinstance(stored, bytes | bytearray | memoryview):
        raw = bytes(stored)
        more = " \u2026" if len(raw) > 16 else ""
        return f"\u27e8bytes {raw[:16].hex(' ')}{more}\u27e9"
    return str(stored)
