"""What the replay pane's border says: the session (and LIVE, paused, not refreshed) above,
the cursor's place (and a find's note) below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from ..sanitize import one_line

if TYPE_CHECKING:
    from .replay import ReplayView

__all__ = ["replay_titles"]


def replay_titles(view: ReplayView) -> tuple[Text, Text]:
    """(title, subtitle). Texts, not strs: a string title is parsed as markup, and the ULID
    is database text."""
    timeline = view.timeline
    if timeline is None:
        return Text("Replay"), Text("")
    marker = ""
    if view.stale:
        marker = " \u00b7 not refreshed"
    elif view.live:
        marker = " \u00b7 \u25cf LIVE" if view.following else " \u00b7 LIVE paused (End follows)"
    title = Text(f"Replay \u00b7 {one_line(timeline.session.ulid, 64)[0]}{marker}")
    if not view.rows:
        return title, Text("no events" if timeline.kinds is None else "no events shown")
    seq = timeline.seq_of_row(view.cursor)
    note = view.find_note
    found = f" \u00b7 {note[1]}" if note is not None and note[0] == seq else ""
    where = f"seq {seq:,} \u00b7 {view.cursor + 1:,} of {timeline.count:,} events{found}"
    return title, Text(where)
