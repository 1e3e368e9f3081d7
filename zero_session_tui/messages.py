"""Messages between the widgets and the app: small dataclasses, one job each."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from .catalog import SessionItem

__all__ = [
    "FilterRequested",
    "MoreSessionsWanted",
    "SessionChosen",
    "SessionHighlighted",
    "SortRequested",
]


@dataclass
class SessionHighlighted(Message):
    """The list cursor is on a session: preview it."""

    item: SessionItem

    def can_replace(self, message: Message) -> bool:
        # Holding an arrow key floods these; only the latest matters.
        return isinstance(message, SessionHighlighted)


@dataclass
class SessionChosen(Message):
    """The user chose a session (Enter or click): open it and move to the replay pane."""

    item: SessionItem


@dataclass
class MoreSessionsWanted(Message):
    """The list is near its last loaded row: load the next page."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MoreSessionsWanted)


@dataclass
class SortRequested(Message):
    """Sort the session list by ``key`` (a ``store.listing.SORT_KEYS`` name)."""

    key: str
    descending: bool


@dataclass
class FilterRequested(Message):
    """Ask the user how to filter the session list."""
