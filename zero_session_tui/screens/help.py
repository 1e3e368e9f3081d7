"""Every key binding, grouped by where it works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HelpScreen", "describe_keys"]

_KEY_NAMES = {
    "up": "\u2191",
    "down": "\u2193",
    "left": "\u2190",
    "right": "\u2192",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "question_mark": "?",
    "space": "Space",
    "slash": "/",
    "colon": ":",
    "comma": ",",
    "full_stop": ".",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
}


def describe_keys(keys: str) -> str:
    return "  ".join(_KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(","))


def _rows(bindings: Iterable[BindingType]) -> Iterable[tuple[str, str]]:
    for binding in bindings:
        if isinstance(binding, Binding):
            key, description = binding.key, binding.description
        else:
            key, description = binding[0], binding[2] if len(binding) > 2 else binding[1]
        yield describe_keys(key), description or "\u2014"


class HelpScreen(ModalScreen[None]):
    """Keys of the app, the session list, the replay pane and the event view."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, groups: Sequence[tuple[str, Sequence[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2), expand=True)
        table.add_column(style="bold", no_wrap=True, min_width=16)
        table.add_column()
        for title, bindings in self.groups:
            table.add_row(Text(title, style="bold underline"), Text(""))
            for keys, description in _rows(bindings):
                table.add_row(Text(keys), Text(description))
            table.add_row(Text(""), Text(""))
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(table, id="help-table")
            yield Static("Esc closes \u00b7 ctrl+p lists every action", markup=False)
