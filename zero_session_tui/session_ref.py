"""What a user types to name a session (``--session``): a full ULID in any case, the short
form the list shows (``01JD…P5S7V``), or the tail of a ULID, resolved across every database."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from store import SessionError, SessionRow

from .catalog import Catalog, SessionKey

__all__ = ["AmbiguousSession", "resolve_session", "session_ref"]

ULID_LENGTH = 26
SHORTEST_FRAGMENT = 4
ELLIPSES = ("\u2026", "...")


class AmbiguousSession(SessionError):
    """A short ULID that more than one session has."""


def session_ref(value: str) -> tuple[str, int | None]:
    """``ULID[#SEQ]`` as argparse reads it (``--session``, ``show``): the ULID, and the seq."""
    ulid, _, seq = value.partition("#")
    if not ulid:
        raise argparse.ArgumentTypeError("give a session ULID, optionally with #SEQ")
    if seq and not seq.isdigit():
        raise argparse.ArgumentTypeError(f"{seq!r} is not an event seq (a positive number)")
    return ulid, int(seq) if seq else None


@dataclass(frozen=True, slots=True)
class _Fragment:
    head: str
    tail: str


def _fragments(text: str) -> list[_Fragment]:
    """``01JD…P5S7V`` is a head and a tail; a bare fragment is either end of a ULID."""
    for mark in ELLIPSES:
        if mark in text:
            head, _, tail = text.partition(mark)
            return [_Fragment(head, tail)]
    return [_Fragment("", text), _Fragment(text, "")]


def resolve_session(catalog: Catalog, text: str) -> tuple[SessionKey, SessionRow] | None:
    """The one session ``text`` names, or None. A fragment matching several sessions raises
    ``AmbiguousSession`` naming how many (never opens one of them at random)."""
    wanted = text.strip()
    if not wanted:
        return None
    found = catalog.find_ulid(wanted)
    if found is None and wanted != wanted.upper():
        found = catalog.find_ulid(wanted.upper())
    if found is not None or len(wanted) >= ULID_LENGTH:
        return found
    fragments = _fragments(wanted)
    if len(fragments[0].head) + len(fragments[0].tail) < SHORTEST_FRAGMENT:
        return None
    matches: dict[SessionKey, SessionRow] = {}
    for partition in catalog.partitions:
        store = catalog.store(partition.index)
        for fragment in fragments:
            for row in store.sessions_matching_ulid(fragment.head, fragment.tail, limit=2):
                matches[SessionKey(partition.index, row.id)] = row
    if len(matches) > 1:
        raise AmbiguousSession(f"{wanted!r} matches more than one session: give more of the ULID")
    return next(iter(matches.items()), None)
