"""The search's section of names and tags: sessions whose name or one of whose tags contains
the needle (``#word``: tags only), read from the browser's annotations file.

Labels are made by hand, so every label is read and matched here (case-insensitive,
Unicode); each hit is then found in its own database by ULID (one index seek). A label whose
session is in no open database is listed as orphaned, never dropped, and cannot be opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text

from store.session_labels import LabelledSession, SessionLabel

from .catalog import Catalog, SessionKey
from .formatting import local_time, short_ulid
from .sanitize import inert, one_line

__all__ = ["LabelHit", "label_hits", "matches"]

LABEL_HITS = 20


@dataclass(frozen=True, slots=True)
class LabelHit:
    ident: str
    key: SessionKey | None
    """None: orphaned (its session is in no open database)."""
    line: Text


def matches(label: SessionLabel, needle: str) -> bool:
    """Whether the name or a tag contains ``needle`` (``#word``: a tag starting with it)."""
    wanted = needle.strip().casefold()
    if wanted.startswith("#"):
        word = wanted.lstrip("#")
        return bool(word) and any(tag.startswith(word) for tag in label.tags)
    if not wanted:
        return False
    return wanted in label.name.casefold() or any(wanted in tag for tag in label.tags)


def label_hits(
    catalog: Catalog, needle: str, tz: tzinfo | None, limit: int = LABEL_HITS
) -> list[LabelHit]:
    """Up to ``limit`` labelled sessions matching ``needle``, newest first."""
    found = [one for one in catalog.labels.everything() if matches(one.label, needle)]
    return [_hit(catalog, one, tz) for one in found[:limit]]


def _hit(catalog: Catalog, one: LabelledSession, tz: tzinfo | None) -> LabelHit:
    partition = catalog.labels.partition_of(one.db)
    row = None
    if partition is not None:
        row = catalog.store(partition).get_session_by_ulid(one.ulid)
    key = SessionKey(partition, row.id) if partition is not None and row is not None else None
    if key is None and (elsewhere := catalog.find_ulid(one.ulid)) is not None:
        key, row = elsewhere
    line = Text("named    " if one.label.name else "tagged   ", style="bold")
    if one.label.name:
        line.append(one_line(one.label.name, 80)[0], style="bold")
        line.append("  ")
    line.append(" ".join(f"#{inert(tag)}" for tag in one.label.tags))
    line.append(f"  {inert(short_ulid(one.ulid))}", style="dim")
    if row is not None and key is not None:
        line.append(f"  {local_time(row.started_at, tz)}", style="dim")
        if catalog.multiple:
            line.append(f"  [{inert(catalog.partitions[key.partition].label)}]", style="dim")
        return LabelHit(f"n{key.partition}:{key.session_id}", key, line)
    line.append("  orphaned: its session is in no open database", style="italic")
    return LabelHit(f"o:{one.db}:{one.ulid}", None, line)
