"""The six event kinds, stored as lower-case strings."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EventKind"]


class EventKind(StrEnum):
    """Kind of a recorded event; the value is the string stored in ``events.kind``."""

    PROMPT = "prompt"
    SYSTEM = "system"
    COMMAND = "command"
    WARN = "warn"
    ALERT = "alert"
    MODE_CHANGE = "mode_change"

    @classmethod
    def parse(cls, raw: str) -> EventKind | None:
        """The kind stored as ``raw``, or None for a string this code does not know."""
        try:
            return cls(raw)
        except ValueError:
            return None
