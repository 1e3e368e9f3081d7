"""What the user is browsing: one object, owned by the app and handed to each controller.

No Textual here. The app creates one ``BrowsingState``; the controllers read and change it on
the UI thread only (workers get frozen copies of what they need: keys, kinds, the order).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import ListOrder, SessionKey
from .kinds import ALL_KINDS

__all__ = ["BrowsingState"]


@dataclass(slots=True)
class BrowsingState:
    """Which session is wanted and which is shown, the kinds shown, the list's order, and how
    far the live follow has read the shown session."""

    list_order: ListOrder = field(default_factory=ListOrder)
    """How the session list is sorted and filtered."""
    wanted_key: SessionKey | None = None
    """The session the user last asked for (its open may still be running)."""
    shown_key: SessionKey | None = None
    """The session the replay pane shows."""
    kinds: frozenset[str] | None = None
    """The event kinds shown (None: all of them, ``kinds.ALL_KINDS``)."""
    read_seq: int | None = None
    """The last seq of the shown session the poll has read (None: none yet)."""
    counted_seq: int | None = None
    """The last seq of the shown session whose kind the bar's counts include."""
    ulid_pending: bool = False
    """The session asked for with ``--session`` is still being found."""
    list_shown: bool = False
    """The list's first page (or its failure) has been shown."""

    def toggle_kind(self, kind: str) -> None:
        kinds = (self.kinds if self.kinds is not None else ALL_KINDS) ^ {kind}
        self.kinds = None if kinds == ALL_KINDS else frozenset(kinds)

    def showing(self, key: SessionKey, read_seq: int | None) -> None:
        """``key`` is now shown, read up to ``read_seq``; its kinds not counted yet."""
        self.shown_key = key
        self.read_seq = read_seq
        self.counted_seq = None

    def forget_shown(self) -> None:
        """The shown session is gone: nothing is shown or wanted."""
        self.shown_key = self.wanted_key = None
        self.read_seq = self.counted_seq = None

    def is_current(self, key: SessionKey | None) -> bool:
        """``key`` is the session wanted or already shown (choosing it again does nothing)."""
        return key is not None and key in (self.wanted_key, self.shown_key)
