"""The yardstick: a trivial Textual app with an empty DataTable (one column, no rows).

The benchmark times its launch until the column label ``TRIVIALREADY`` is painted.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class TrivialApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("TRIVIALREADY")


if __name__ == "__main__":
    TrivialApp().run()
