"""The databases a subcommand reads, and the session a ``ULID[#SEQ]`` names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store import SessionError, SessionRow

from .. import locations
from ..catalog import Catalog, SessionKey
from ..sanitize import inert
from ..session_ref import resolve_session, session_ref

__all__ = ["SessionNotFound", "databases", "find_session", "positive", "session_ref"]


class SessionNotFound(SessionError):
    """No session has the ULID (or the fragment) given, or more than one has the fragment."""


def positive(value: str) -> int:
    """A count argparse reads (``--limit``): 1 or more."""
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return int(value)


def databases(args: argparse.Namespace) -> list[Path]:
    """``--db`` given before or after the subcommand, in order; ``--demo`` first when given;
    else the default database (``$ZERO_SESSION_DB``, ``$ZERO_HOME/state/sessions.db``)."""
    named = [*(getattr(args, "db", None) or []), *(getattr(args, "sub_db", None) or [])]
    if getattr(args, "demo", False) or getattr(args, "sub_demo", False):
        from ..demo import ensure_demo

        print("zero-session-tui: preparing the demo database...", file=sys.stderr)
        return [ensure_demo(), *named]
    return named or [locations.default_database()]


def find_session(catalog: Catalog, text: str) -> tuple[SessionKey, SessionRow]:
    """The one session ``text`` names (a ULID in any case, the list's short form, or a tail),
    or ``SessionNotFound``."""
    try:
        found = resolve_session(catalog, text)
    except SessionError as error:  # ambiguous: says how to be precise
        raise SessionNotFound(str(error)) from None
    if found is None:
        raise SessionNotFound(f"no session {inert(text)!r} in the databases given")
    return found
