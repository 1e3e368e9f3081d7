"""Where every action can be found: the keys screen (?) and the command palette (ctrl+p).

Both are made from the ``BINDINGS`` of the classes that own the keys, so a key added to a
widget or a screen shows in the footer, the keys screen and the palette with nothing else
to edit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from ..screens.main import MainScreen
from ..widgets.replay import ReplayView
from ..widgets.session_table import SessionTable

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["MOVES", "KeysAndCommands"]

MOVES = frozenset({"move(-1)", "move(1)", "page(-1)", "page(1)", "cursor_down", "cursor_up"})
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


class KeysAndCommands:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app

    def help_groups(self) -> list[tuple[str, list[BindingType]]]:
        from ..screens.bookmarks import BookmarksScreen
        from ..screens.confirm import ConfirmScreen
        from ..screens.event_detail import EventDetailScreen
        from ..screens.filter import FilterScreen
        from ..screens.forks import ForksScreen
        from ..screens.note import NoteScreen
        from ..screens.overview import OverviewScreen
        from ..screens.search import SearchScreen
        from ..screens.session_picker import SessionPickerScreen
        from ..screens.side_by_side import SideBySideScreen
        from ..screens.wrap import WrapScreen

        return [
            (
                "Everywhere",
                [
                    *self.app.BINDINGS,
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
            (
                "Bookmarks (B)",
                [Binding("enter", "", "Go to the bookmark"), *BookmarksScreen.BINDINGS],
            ),
            ("Note (M)", list(NoteScreen.BINDINGS)),
            ("Overview (O)", list(OverviewScreen.BINDINGS)),
            ("Side by side (V)", list(SideBySideScreen.BINDINGS)),
            (
                "Beside which session (V on a session that is no fork)",
                [Binding("enter", "", "Put it beside"), *SessionPickerScreen.BINDINGS],
            ),
        ]

    def show_help(self) -> None:
        from ..screens.help import HelpScreen

        if not isinstance(self.app.screen, HelpScreen):
            self.app.push_screen(HelpScreen(self.help_groups()))

    def _palette_commands(self) -> list[_Command]:
        """Every action of the main screen with its key, from the owners' bindings."""
        from ..screens.help import describe_keys  # with the palette, not at start-up

        app = self.app
        places: Sequence[tuple[str, DOMNode, Iterable[BindingType]]] = (
            ("", app, app.BINDINGS),
            ("", app.main, MainScreen.BINDINGS),
            ("list", app.table, SessionTable.BINDINGS),
            ("replay", app.replay, ReplayView.BINDINGS),
        )
        commands: list[_Command] = []
        seen: set[tuple[str, str]] = set()
        # An app action bound in both panes (R, #, V) is one command, with no place.
        owners: dict[str, set[str]] = {}
        for place, _, bindings in places:
            for binding in _bindings(bindings):
                owners.setdefault(binding.action, set()).add(place)
        for place, target, bindings in places:
            for binding in _bindings(bindings):
                if not binding.description or binding.action in MOVES:
                    continue
                shared = binding.action.startswith("app.") and len(owners[binding.action]) > 1
                where = "" if shared else place
                if (where, binding.action) in seen:
                    continue
                seen.add((where, binding.action))
                key = describe_keys(binding.key)
                described = binding.tooltip or binding.description
                commands.append(_Command(where, key, described, binding.action, target))
        return commands

    def system_commands(self) -> Iterable[SystemCommand]:
        """The main screen's own commands, after Textual's (see ``get_system_commands``)."""
        for command in self._palette_commands():
            where = f" \u00b7 in the {command.place}" if command.place else ""
            yield SystemCommand(
                command.description,
                f"key {command.key}{where}",
                self._runner(command.action, command.target),
            )
        yield SystemCommand("Session list", "Move to the session list", self.app.table.focus)
        yield SystemCommand("Replay pane", "Move to the replay pane", self.app.replay.focus)

    def _runner(self, action: str, target: DOMNode) -> Callable[[], None]:
        def run() -> None:
            self.app.call_later(self.app.run_action, action, target)

        return run
