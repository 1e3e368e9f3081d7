"""The yardstick: a trivial Textual app with an empty DataTable (one column, no rows).

The benchmark times its launch until the column label ``TRIVIALREADY`` is painted, then
PgDn and ``j``, each of which changes one number under the table: the floor of a Textual
app's key -> screen on this machine.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static


class TrivialApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "press", priority=True),
        Binding("pagedown", "press", priority=True),  # before the table's own page down
    ]
    presses = 0

    def compose(self) -> ComposeResult:
        yield DataTable()
        yield Static("0")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("TRIVIALREADY")

    def action_press(self) -> None:
        self.presses += 1
        self.query_one(Static).update(str(self.presses))


if __name__ == "__main__":
    TrivialApp().run()
