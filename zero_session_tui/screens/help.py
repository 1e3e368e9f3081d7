"""Every key binding, grouped by where it works."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

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
    "number_sign": "#",
}


def describe_keys(keys: str) -> str:
    return "  ".join(_KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(","))


def _rows(bindings: Iterable[BindingType]) -> Iterable[tuple[str, str]]:
    for binding in bindings:
        if isinstance(binding, Binding):
            key, description = binding.key, binding.tooltip or binding.description
        else:
            key, description = binding[0], binding[2] if len(binding) > 2 else binding[1]
        yield describe_keys(key), description or "\u2014"


COLUMN_WIDTH = 56
"""Cells per column of groups: the keys screen shows as many columns as fit."""


def _group_table(title: str, bindings: Sequence[BindingType]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True, min_width=14)
    table.add_column()
    table.add_row(Text(title, style="bold underline"), Text(""))
    for keys, description in _rows(bindings):
        table.add_row(Text(keys), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of every place, grouped under the place it works, in as many columns as the
    terminal's width allows."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    DEFAULT_CSS = """
    HelpScreen #help-groups {
        layout: grid;
        grid-size: 1;
        grid-gutter: 0 2;
        height: auto;
    }
    HelpScreen .help-group {
        height: auto;
        margin-bottom: 1;
    }
    """

    def __init__(self, groups: Sequence[tuple[str, Sequence[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            with Container(id="help-groups"):
                for title, bindings in self.groups:
                    yield Static(_group_table(title, bindings), classes="help-group")
            yield Static("Esc closes \u00b7 ctrl+p lists every action", markup=False)
        yield Footer()  # this dialog's own keys

    def on_resize(self, event: events.Resize) -> None:
        columns = max(1, min(3, (event.size.width - 4) // COLUMN_WIDTH))
        self.query_one("#help-groups").styles.grid_size_columns = columns
        self.query_one("#help").styles.width = columns * COLUMN_WIDTH + 4 + 2 * (columns - 1)
