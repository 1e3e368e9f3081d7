"""Where every action can be found: the keys screen (?) and the command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from .app_tools import ToolsMixin
from .screens.main import MainScreen
from .widgets.replay import ReplayView
from .widgets.session_table import SessionTable

__all__ = ["CommandsMixin"]


class CommandsMixin(ToolsMixin):
    def help_groups(self) -> list[tuple[str, list[BindingType]]]:
        from .screens.event_detail import EventDetailScreen

        return [
            (
                "Everywhere",
                [
                    *self.BINDINGS,
                    *MainScreen.BINDINGS,
                    Binding("ctrl+p", "command_palette", "All actions"),
                ],
            ),
            (
                "Session list",
                [
                    *SessionTable.BINDINGS,
                    Binding("up,down", "", "Move"),
                    Binding("pageup,pagedown", "", "Page"),
                ],
            ),
            ("Replay", list(ReplayView.BINDINGS)),
            ("Event in full", list(EventDetailScreen.BINDINGS)),
        ]

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        replay = self.replay
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Keys", "Show every key binding", self.action_help),
            ("Search", "Find sessions and events across every session", self.action_search),
            ("Sessions", "Move to the session list", self.table.focus),
            ("Replay", "Move to the replay pane", replay.focus),
            ("Play / pause", "Replay the session with its real timing", replay.action_play),
            ("First event", "Jump to the session's first event", replay.action_first),
            ("Last event", "Jump to the last event and follow", replay.action_last),
            ("Jump to seq", "Go to an event by its seq", lambda: replay.action_request("jump")),
            (
                "Find in session",
                "Highlight and step through matches",
                lambda: replay.action_request("find"),
            ),
            ("Event in full", "Show the event under the cursor", replay.action_expand),
            ("Toggle time", "Offsets from the start or clock times", replay.action_toggle_time),
            ("Wrap report", "Summary of this session (store.wrap)", self.action_wrap),
            ("Export Markdown", "Write this session as Markdown", lambda: self.action_export("md")),
            (
                "Export JSON Lines",
                "Write this session as JSON Lines",
                lambda: self.action_export("jsonl"),
            ),
            ("Forks", "Parent and child sessions", self.action_forks),
            ("Copy text", "Copy the event's text", lambda: replay.action_request("copy_text")),
            ("Copy link", "Copy ulid#seq", lambda: replay.action_request("copy_link")),
            ("Delete session", "Delete the highlighted session", self.action_delete),
            ("Reload sessions", "Read the session list again", self.action_reload),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)
