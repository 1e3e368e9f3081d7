"""The six event kinds as the browser shows them: display order, key, glyph and label.

The one table every screen derives from (the replay bar's order and counts, the ``1``..``6``
keys, the glyph of each line, the set of all kinds); ``store.EventKind`` stays the stored
value. No Textual here: the table is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from store import EventKind

__all__ = ["ALL_KINDS", "KINDS", "KIND_GLYPHS", "UNKNOWN_GLYPH", "KindInfo", "shown_counts"]


@dataclass(frozen=True, slots=True)
class KindInfo:
    """How one kind is shown: ``key`` toggles it in the replay, ``label`` names it in help."""

    kind: EventKind
    key: str
    glyph: str
    label: str

    @property
    def value(self) -> str:
        return self.kind.value


KINDS: Final[tuple[KindInfo, ...]] = (
    KindInfo(EventKind.PROMPT, "1", "\u276f", "Prompts"),  # heavy angle: operator input
    KindInfo(EventKind.COMMAND, "2", "\u25c6", "Commands"),  # a dispatcher's answer
    KindInfo(EventKind.SYSTEM, "3", "\u2022", "System"),  # informational
    KindInfo(EventKind.WARN, "4", "\u25b2", "Warnings"),  # warning
    KindInfo(EventKind.ALERT, "5", "\u25a0", "Alerts"),  # alert
    KindInfo(EventKind.MODE_CHANGE, "6", "\u21c4", "Mode changes"),  # view switched
)
"""Every kind, in the order the replay bar shows them (and keys ``1``..``6``)."""

ALL_KINDS: Final[frozenset[str]] = frozenset(info.value for info in KINDS)
"""The stored value of every kind: a filter that shows all of them."""

KIND_GLYPHS: Final[dict[EventKind, str]] = {info.kind: info.glyph for info in KINDS}
UNKNOWN_GLYPH: Final = "?"
"""The glyph of a stored kind this code does not know (read as system)."""


def shown_counts(counts: dict[str, int]) -> dict[EventKind, int]:
    """Counts by stored kind as the bar shows them: a kind this code does not know is
    counted as system, as the Rust client reads it."""
    shown = {info.kind: counts.get(info.value, 0) for info in KINDS}
    shown[EventKind.SYSTEM] += sum(n for k, n in counts.items() if k not in ALL_KINDS)
    return shown
