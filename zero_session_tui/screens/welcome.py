"""The first-launch welcome: the keys, dismissed by any key."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["WelcomeScreen"]

_KEYS = (
    ("\u2191 \u2193  j k", "move in the list or the replay"),
    ("Enter", "open a session / show an event in full"),
    ("Tab", "switch between the list and the replay"),
    ("Home End  g G", "first / last event"),
    ("t", "event times: offset from start or clock time"),
    ("ctrl+p", "every action, searchable"),
    ("?", "all keys"),
    ("q", "quit"),
)


class WelcomeScreen(ModalScreen[None]):
    """Shown once per database, until its ``welcome_shown`` milestone is set."""

    def compose(self) -> ComposeResult:
        lines = Text()
        for key, what in _KEYS:
            lines.append(f"{key:>15}  ", style="bold")
            lines.append(f"{what}\n")
        with Vertical(id="welcome"):
            yield Static(Text("Welcome to zero-session-tui", style="bold"), id="welcome-title")
            yield Static(
                "Browse, replay and follow the sessions your ZERO client records. "
                "Nothing here changes them: browsing is read-only.",
                id="welcome-intro",
                markup=False,
            )
            yield Static(lines, id="welcome-keys")
            yield Static("Press any key to start.", id="welcome-hint", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.dismiss(None)
