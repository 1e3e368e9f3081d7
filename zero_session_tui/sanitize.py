"""Make untrusted event text inert before any widget sees it.

Rich and Textual pass ESC, CSI, OSC, C1 controls and NUL straight to the terminal, and bidi or
zero-width characters can reorder or hide what is displayed. Every such character becomes a
visible placeholder here; the result is plain text, never markup (wrap it in ``Text``).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DETAIL_CAP", "inert", "one_line"]

DETAIL_CAP: Final = 64 * 1024
"""Characters of one event shown at once in the detail view."""

# C0 controls become the Unicode "control pictures" (ESC -> U+241B), DEL -> U+2421.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_TABLE[0x7F] = "\u2421"
_TABLE[0x09] = "    "  # a tab is harmless: show it as spaces so columns stay aligned
# C1 controls (0x80-0x9F, the 8-bit CSI 0x9B among them) have no picture: show their code.
_TABLE.update({code: f"\u27e8{code:02X}\u27e9" for code in range(0x80, 0xA0)})

# Unicode format characters (category Cf: bidi embeddings, overrides and isolates, the Arabic
# letter mark, zero-width space / joiners, word joiner, BOM, invisible operators, tag
# characters), line / paragraph separators, and lone surrogates: shown as a visible code.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\ud800-\udfff"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff\u0600-\u0605\u06dd\u070f\u0890\u0891"
    "\u08e2\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3]"
)
_NEEDS_WORK = re.compile("[^\x20-\x7e]")


def _visible_code(match: re.Match[str]) -> str:
    return f"\u27e8U+{ord(match.group()):04X}\u27e9"


def inert(text: str) -> str:
    """``text`` with every control, escape and invisible character made visible.

    Newlines are kept (callers decide how to show them); everything else that could act on
    the terminal or hide text is replaced."""
    if _NEEDS_WORK.search(text) is None:
        return text
    lines = text.split("\n")
    return "\n".join(_INVISIBLE.sub(_visible_code, line.translate(_TABLE)) for line in lines)


def one_line(text: str, limit: int) -> tuple[str, bool]:
    """A single-line, inert rendering of ``text``: newlines become a visible return mark.

    Reads at most ``limit`` characters of the input (a 10 MB event costs what is shown);
    returns the line and whether anything was cut."""
    head = text[:limit]
    cut = len(text) > limit
    return inert(head).replace("\n", " \u23ce "), cut


def capped(text: str, cap: int = DETAIL_CAP) -> tuple[str, int]:
    """The first ``cap`` characters of ``text``, inert, and how many characters are left."""
    return inert(text[:cap]), max(0, len(text) - cap)
