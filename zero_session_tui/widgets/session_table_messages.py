"""What the session list tells the app: Textual messages, each carrying frozen values only.

They are ``SessionTable``'s own (``SessionTable.SessionChosen`` ...: the table names them as
class attributes), kept in this module so the table's module stays about rows and columns.
"""

from __future__ import annotations

from textual.message import Message

from ..catalog import SessionItem

__all__ = [
    "EndWanted",
    "FilterRequested",
    "MoreWanted",
    "SessionChosen",
    "SessionHighlighted",
    "SortRequested",
]


class SessionHighlighted(Message, namespace="session_table"):
    """The list cursor is on a session: preview it."""

    def __init__(self, item: SessionItem) -> None:
        super().__init__()
        self.item = item

    def can_replace(self, message: Message) -> bool:
        # Holding an arrow key floods these; only the latest matters.
        return isinstance(message, SessionHighlighted)


class SessionChosen(Message, namespace="session_table"):
    """The user chose a session (Enter or click): open it and move to the replay pane."""

    def __init__(self, item: SessionItem) -> None:
        super().__init__()
        self.item = item


class MoreWanted(Message, namespace="session_table"):
    """The list is near its last loaded row: load the next page."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MoreWanted)


class EndWanted(Message, namespace="session_table"):
    """``End``/``G`` before the whole list is loaded: load the rest of it."""


class SortRequested(Message, namespace="session_table"):
    """Sort the session list by ``key`` (a ``store.listing.SORT_KEYS`` name)."""

    def __init__(self, key: str, descending: bool) -> None:
        super().__init__()
        self.key = key
        self.descending = descending


class FilterRequested(Message, namespace="session_table"):
    """Ask the user how to filter the session list."""
