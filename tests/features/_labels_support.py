"""Shared by the names-and-tags tests: labels written as another browser would have, and
read back from the annotations file."""

from __future__ import annotations

from pathlib import Path

from store.annotations import Annotations
from store.session_labels import SessionLabel
from zero_session_tui import locations

__all__ = ["ORPHAN", "WIDE", "key", "prompt_cell", "saved", "seed"]

ORPHAN = "01JZZZZZZZZZZZZZZZ0RPHAN1"
WIDE = (200, 36)
"""Wide enough for the first-prompt column to show a name and its tags uncut."""


def key(db: Path) -> str:
    return locations.annotations_key(db)


def seed(db: Path, labels: dict[str, tuple[str, str]]) -> None:
    """Names and tags written before the app starts, as another browser would have."""
    with Annotations.open(locations.annotations_file()) as notes:
        for ulid, (name, tags) in labels.items():
            notes.set_name(key(db), ulid, name)
            notes.set_tags(key(db), ulid, tags)


def saved(db: Path, ulid: str) -> SessionLabel:
    with Annotations.open(locations.annotations_file()) as notes:
        return notes.labels_of(key(db), [ulid]).get(ulid, SessionLabel())


def prompt_cell(app, ulid: str) -> str:
    table = app.table
    for row, item in enumerate(table.items):
        if item.session.ulid == ulid:
            return str(table.get_row_at(row)[-1])
    raise AssertionError(f"{ulid} is not listed")
