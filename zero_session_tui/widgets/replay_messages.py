"""What the replay pane tells the app (kept apart so the pane's module stays about drawing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from store import StoredEvent

from ..timeline import Timeline

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = ["ReplayMessages"]


class ReplayMessages:
    """Mixin holding the replay pane's message classes."""

    class Expand(Message, namespace="replay_view"):
        """Show one event in full."""

        def __init__(self, timeline: Timeline, event: StoredEvent) -> None:
            super().__init__()
            self.timeline = timeline
            self.event = event

    class Back(Message, namespace="replay_view"):
        """Return to the session list."""

    class Changed(Message, namespace="replay_view"):
        """Cursor, play state or contents changed: update the status bar."""

        def __init__(self, view: ReplayView) -> None:
            super().__init__()
            self.view = view

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReplayMessages.Changed)

    class Request(Message, namespace="replay_view"):
        """The user asked for something the app does (jump, find, copy ...)."""

        def __init__(self, what: str) -> None:
            super().__init__()
            self.what = what

    class KindToggled(Message, namespace="replay_view"):
        def __init__(self, kind: str) -> None:
            super().__init__()
            self.kind = kind

    class Find(Message, namespace="replay_view"):
        """Find the next (or previous) event containing ``needle``."""

        def __init__(self, needle: str, *, forward: bool) -> None:
            super().__init__()
            self.needle = needle
            self.forward = forward
