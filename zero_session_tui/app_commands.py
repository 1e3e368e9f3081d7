"""Where every action can be found: the keys screen (?) and the command palette (ctrl+p).

Both are made from the ``BINDINGS`` of the classes that own the keys, so a key added to a
widget or a screen shows in the footer, the keys screen and the palette with nothing else
to edit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from .app_tools import ToolsMixin
from .screens.help import describe_keys
from .screens.main import MainScreen
from .widgets.replay import ReplayView
from .widgets.session_table import SessionTable

__all__ = ["CommandsMixin"]

_MOVES = frozenset({"move(-1)", "move(1)", "page(-1)", "page(1)", "cursor_down", "cursor_up"})
"""Bindings left out of the palette: moving the cursor one row is not an action to search."""


@dataclass(frozen=True, slots=True)
class _Command:
    place: str
    key: str
    description: str
    action: str
    target: DOMNode


def _bindings(bindings: Iterable[BindingType]) -> Iterable[Binding]:
    for binding in bindings:
        yield binding if isinstance(binding, Binding) else Binding(*binding)


class CommandsMixin(ToolsMixin):
    def help_groups(self) -> list[tuple[str, list[BindingType]]]:
        from .screens.confirm import ConfirmScreen
        from .screens.event_detail import EventDetailScreen
        from .screens.filter import FilterScreen
        from .screens.forks import ForksScreen
        from .screens.search import SearchScreen
        from .screens.wrap import WrapScreen

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
            ("Event in full (Enter in the replay)", list(EventDetailScreen.BINDINGS)),
            (
                "Search (/ in the list)",
                [
                    Binding("enter", "", "Open the first hit, or the highlighted one"),
                    *SearchScreen.BINDINGS,
                    Binding("down", "", "Move into the results"),
                ],
            ),
            ("Wrap report (w)", list(WrapScreen.BINDINGS)),
            ("Forks (f)", [Binding("enter", "", "Open the session"), *ForksScreen.BINDINGS]),
            ("Filter (F in the list)", list(FilterScreen.BINDINGS)),
            ("Delete (d)", list(ConfirmScreen.BINDINGS)),
        ]

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def _palette_commands(self) -> list[_Command]:
        """Every action of the main screen with its key, from the owners' bindings."""
        places: Sequence[tuple[str, DOMNode, Iterable[BindingType]]] = (
            ("", self, self.BINDINGS),
            ("", self.main, MainScreen.BINDINGS),
            ("list", self.table, SessionTable.BINDINGS),
            ("replay", self.replay, ReplayView.BINDINGS),
        )
        commands: list[_Command] = []
        seen: set[tuple[str, str]] = set()
        for place, target, bindings in places:
            for binding in _bindings(bindings):
                if not binding.description or binding.action in _MOVES:
                    continue
                if (place, binding.action) in seen:
                    continue
                seen.add((place, binding.action))
                key = describe_keys(binding.key)
                commands.append(_Command(place, key, binding.description, binding.action, target))
        return commands

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for system in super().get_system_commands(screen):
            if system.title != "Keys":  # ours (?) lists every place's keys: once, not twice
                yield system
        if not isinstance(screen, MainScreen):
            return
        for command in self._palette_commands():
            where = f" \u00b7 in the {command.place}" if command.place else ""
            yield SystemCommand(
                command.description,
                f"key {command.key}{where}",
                self._runner(command.action, command.target),
            )
        yield SystemCommand("Session list", "Move to the session list", self.table.focus)
        yield SystemCommand("Replay pane", "Move to the replay pane", self.replay.focus)

    def _runner(self, action: str, target: DOMNode) -> Callable[[], None]:
        def run() -> None:
            self.call_later(self.run_action, action, target)

        return run
