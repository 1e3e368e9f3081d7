"""The replay pane's keys (``ReplayView.BINDINGS``): its own moves and playback, and the
actions on the shown session's events it is where they apply (bookmarks, the timeline strip's
jumps), run by the app (``app.`` actions).

The footer shows, while the replay has the focus, play, find, the bookmark, and the two
jump pairs grouped (``} {`` markers, ``> <`` alerts), as many as fit; every key is in ``?``
and the palette, under its tooltip when it has one (the footer's word is shorter).
"""

from __future__ import annotations

from typing import Final

from textual.binding import Binding, BindingType

from ..kinds import KINDS

__all__ = ["REPLAY_BINDINGS"]

MARKERS: Final = Binding.Group("Marker")
ALERTS: Final = Binding.Group("Alert")

REPLAY_BINDINGS: Final[list[BindingType]] = [
    Binding("space", "play", "Play/pause"),
    Binding("slash", "request('find')", "Find"),
    Binding("m", "app.bookmark('toggle')", "Bookmark", tooltip="Bookmark on/off"),
    Binding("}", "app.strip('next_marker')", "Next marker", group=MARKERS),
    Binding("{", "app.strip('previous_marker')", "Previous marker", group=MARKERS),
    Binding(">", "app.strip('next_alert')", "Next alert", group=ALERTS),
    Binding("<", "app.strip('previous_alert')", "Previous alert", group=ALERTS),
    Binding("up,k", "move(-1)", "Up", show=False),
    Binding("down,j", "move(1)", "Down", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home,g", "first", "Start", show=False),
    Binding("end,G", "last", "End / follow", show=False),
    Binding("enter", "expand", "Full text", show=False),
    Binding("plus,equals_sign", "speed(1)", "Faster", show=False),
    Binding("minus", "speed(-1)", "Slower", show=False),
    Binding("full_stop", "step(1)", "Step forward", show=False),
    Binding("comma", "step(-1)", "Step back", show=False),
    Binding("a", "auto_pause", "Auto-pause on warn/alert", show=False),
    Binding("colon", "request('jump')", "Jump to seq", show=False),
    Binding("n", "find_next(1)", "Next match", show=False),
    Binding("N", "find_next(-1)", "Previous match", show=False),
    *(
        Binding(info.key, f"toggle_kind('{info.value}')", f"{info.label} on/off", show=False)
        for info in KINDS
    ),
    Binding("t", "toggle_time", "Time abs/rel", show=False),
    Binding("c", "request('copy_text')", "Copy text (up to 1 MiB)", show=False),
    Binding("y", "request('copy_link')", "Copy ulid#seq", show=False),
    Binding("M", "app.bookmark('note')", "Note on the event", show=False),
    Binding("]", "app.bookmark('next')", "Next bookmark", show=False),
    Binding("[", "app.bookmark('previous')", "Previous bookmark", show=False),
    Binding("b", "app.bookmark('session')", "This session's bookmarks", show=False),
    Binding("T", "app.strip('toggle')", "Timeline strip by time/seq", show=False),
    Binding("R", "app.label('name')", "Name the session", show=False),
    Binding("number_sign", "app.label('tags')", "Tag the session", show=False),
    Binding("V", "app.side_by_side", "Side by side", show=False),
    Binding("escape", "back", "Stop replay / sessions", show=False),
]
