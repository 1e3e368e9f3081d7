"""Python access to the ZERO session database, as the Rust crate ``zero-session`` 0.1.2
writes it. Standard library only; no UI imports.

    from store import Store, EventKind
    with Store.open("~/.zero/state/sessions.db") as db:
        sid = db.start_session("01JEXAMPLE", None, "0.3.0", None)
        db.append(sid, EventKind.PROMPT, "> /status")
"""

from . import forks, milestones, wrap
from .errors import (
    MigrationError,
    SerializationError,
    SessionError,
    SqliteError,
    StoreIOError,
)
from .kinds import EventKind
from .listing import SessionFilter
from .rows import SearchHit, SessionRow, SessionSummary, StoredEvent
from .store import Clock, Store
from .timestamps import format_rfc3339, parse_rfc3339

__all__ = [
    "Clock",
    "EventKind",
    "MigrationError",
    "SearchHit",
    "SerializationError",
    "SessionError",
    "SessionFilter",
    "SessionRow",
    "SessionSummary",
    "SqliteError",
    "Store",
    "StoreIOError",
    "StoredEvent",
    "forks",
    "format_rfc3339",
    "milestones",
    "parse_rfc3339",
    "wrap",
]
