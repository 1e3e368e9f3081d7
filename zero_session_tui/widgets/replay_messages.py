"""What the replay pane tells the app: Textual messages, each carrying frozen values only.

They are ``ReplayView``'s own (``ReplayView.Changed``, ``ReplayView.JumpAsked`` ...: the view
names them as class attributes), kept in this module so the pane's module stays about drawing.
``Changed`` carries a ``ReplayProgress``: what the bar under the pane shows, never the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

from store import StoredEvent

from ..replay_timing import PlayState

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = [
    "REQUESTS",
    "Back",
    "Changed",
    "CopyLinkAsked",
    "CopyTextAsked",
    "Expand",
    "Find",
    "FindAsked",
    "JumpAsked",
    "KindToggled",
    "PlayHead",
    "ReplayProgress",
]


@dataclass(frozen=True, slots=True)
class PlayHead:
    """Where a timed replay is: its event's seq and time, of how many events."""

    seq: int
    count: int
    at: datetime | None
    """The head event's time (None while its page is being read)."""
    origin: datetime | None


@dataclass(frozen=True, slots=True)
class ReplayProgress:
    """What the replay bar shows of the pane: whether a session is shown, the play state,
    and the play head during a timed replay."""

    shown: bool = False
    play: PlayState = field(default_factory=PlayState)
    head: PlayHead | None = None

    @classmethod
    def of(cls, view: ReplayView) -> ReplayProgress:
        timeline = view.timeline
        if timeline is None:
            return cls(False, view.play)
        head = None
        if view.play_head is not None:
            event = timeline.cached(view.play_head)
            head = PlayHead(
                timeline.seq_of_row(view.play_head),
                timeline.count,
                event.at if event is not None else None,
                timeline.origin,
            )
        return cls(True, view.play, head)


class Changed(Message, namespace="replay_view"):
    """Cursor, play state or contents changed: update the status bar."""

    def __init__(self, progress: ReplayProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Changed)


class Expand(Message, namespace="replay_view"):
    """Show one event of session ``ulid`` in full (``origin``: the session's first time)."""

    def __init__(self, ulid: str, event: StoredEvent, origin: datetime | None) -> None:
        super().__init__()
        self.ulid = ulid
        self.event = event
        self.origin = origin


class Back(Message, namespace="replay_view"):
    """Return to the session list."""


class JumpAsked(Message, namespace="replay_view"):
    """Ask the user for a seq to put the cursor on."""


class FindAsked(Message, namespace="replay_view"):
    """Ask the user what to find in the session."""


class CopyTextAsked(Message, namespace="replay_view"):
    """Copy the cursor's event text."""


class CopyLinkAsked(Message, namespace="replay_view"):
    """Copy the cursor's event link (``ulid#seq``)."""


REQUESTS: dict[str, type[Message]] = {
    "jump": JumpAsked,
    "find": FindAsked,
    "copy_text": CopyTextAsked,
    "copy_link": CopyLinkAsked,
}
"""The view's ``request(...)`` actions (as its bindings name them) and the message each posts."""


class KindToggled(Message, namespace="replay_view"):
    """Show or hide the events of ``kind``."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind


class Find(Message, namespace="replay_view"):
    """Find the next (or previous) event containing ``needle``."""

    def __init__(self, needle: str, *, forward: bool) -> None:
        super().__init__()
        self.needle = needle
        self.forward = forward
