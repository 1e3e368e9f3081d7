"""What a live follow reads at every poll, each at the cost of what is new.

``sessions_mark`` tells whether the sessions table may have gained or lost rows since an
earlier mark, in one statement: the number of sessions (a walk of the ``sessions.ulid UNIQUE``
index, which is small: 10,000 sessions in about 50 pages), and the row with the highest id
and its ULID (one seek at the end of the rowid b-tree). ``sessions.id`` is the client's
``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT``: a new row gets the highest id plus one, so
while the row with the highest id keeps its ULID no session was added (a row id below it can
only be handed out again after that row is deleted, which the ULID check sees), and a
session deleted changes the count. Rows updated in place (``ended_at`` set) are not in the
mark: the follow reads the open sessions it lists on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .base import StoreBase

__all__ = ["SessionsMark", "TailReads"]


@dataclass(frozen=True, slots=True)
class SessionsMark:
    """The sessions table's size and its highest row id with that row's ULID (None: empty)."""

    count: int
    last_id: int | None
    last_ulid: str | None


class TailReads(StoreBase):
    """The follow's cheap checks (``BrowseReads`` has them)."""

    def sessions_mark(self) -> SessionsMark:
        """A mark that changes when a session is added or deleted (see the module's note)."""
        row = self._row(
            "SELECT (SELECT COUNT(*) FROM sessions), s.id, s.ulid FROM sessions s"
            " ORDER BY s.id DESC LIMIT 1"
        )
        if row is None:
            return SessionsMark(0, None, None)
        return SessionsMark(int(row[0]), int(row[1]), str(row[2]))

    def set_progress(self, callback: Callable[[], object] | None, every: int = 100) -> None:
        """Call ``callback`` every ``every`` SQLite virtual-machine steps of this store's
        statements (None stops): a count of the work reads do, for tests and diagnostics."""

        def step() -> int:
            if callback is not None:
                callback()
            return 0  # never interrupt the statement

        with self._lock:
            self._live().set_progress_handler(step if callback is not None else None, every)
