"""Make untrusted event text inert before any widget sees it.

Rich and Textual pass ESC, CSI, OSC, C1 controls and NUL straight to the terminal, and bidi or
zero-width characters can reorder or hide what is displayed. Every such character becomes a
visible placeholder here; the result is plain text, never markup (wrap it in ``Text``).

Two invisible characters are kept where they only shape an emoji (UTS #51), so ``⚠️`` and a
family emoji show as emoji, not as codes:

- U+FE0F (emoji presentation) right after a pictographic character (``⚠`` U+26A0, ``❤``), or
  between a keycap base (``0``-``9``, ``#``, ``*``) and U+20E3;
- U+200D (zero-width joiner) between two emoji: a pictographic character (with its U+FE0F
  or skin-tone modifier) on the left, a pictographic character on the right.

Anywhere else (alone, at the start of a line, after or before a letter, doubled) they are
codes as before; bidi controls, the other variation selectors and tag characters always are.
Rich measures what is kept as the terminal draws it (``⚠️`` and ``👨‍👩‍👧`` are two cells).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

__all__ = ["DETAIL_CAP", "inert", "is_pictographic", "one_line"]

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

_VS16: Final = "\ufe0f"
_ZWJ: Final = "\u200d"
_KEYCAP: Final = "\u20e3"
_KEYCAP_BASES: Final = frozenset("0123456789#*")
_SKIN_TONES: Final = range(0x1F3FB, 0x1F400)

# Extended_Pictographic (Unicode emoji-data.txt, 15.1; unassigned code points of the emoji
# blocks included, as the property includes them), as sorted (first, last) pairs.
_PICTOGRAPHIC: Final = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB),
    (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x2605),
    (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721),
    (0x2728, 0x2728), (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747),
    (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0),
    (0x27BF, 0x27BF), (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F),
    (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E),
    (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A),
    (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA),
    (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
    (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F),
    (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945),
    (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip
_PICTOGRAPHIC_FIRSTS: Final = tuple(first for first, _ in _PICTOGRAPHIC)


def is_pictographic(char: str) -> bool:
    """Whether ``char`` has Unicode's Extended_Pictographic property (an emoji base)."""
    code = ord(char)
    index = bisect_right(_PICTOGRAPHIC_FIRSTS, code) - 1
    return index >= 0 and code <= _PICTOGRAPHIC[index][1]


def _emoji_before(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends with an emoji: a pictographic character, then at most
    its U+FE0F and a skin-tone modifier."""
    index = end - 1
    if index >= 0 and ord(text[index]) in _SKIN_TONES:
        index -= 1
    if index >= 0 and text[index] == _VS16:
        index -= 1
    return index >= 0 and is_pictographic(text[index])


def _keeps(text: str, at: int) -> bool:
    """Whether the invisible character at ``text[at]`` only shapes an emoji (module doc)."""
    char = text[at]
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if char == _VS16:
        return bool(before) and (
            is_pictographic(before) or (before in _KEYCAP_BASES and after == _KEYCAP)
        )
    if char == _ZWJ:
        return bool(after) and is_pictographic(after) and _emoji_before(text, at)
    return False


def _visible_code(match: re.Match[str]) -> str:
    char = match.group()
    if char in (_VS16, _ZWJ) and _keeps(match.string, match.start()):
        return char
    return f"\u27e8U+{ord(char):04X}\u27e9"


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
