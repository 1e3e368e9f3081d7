"""A multi-line note on a bookmarked event: ctrl+s saves, Esc cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

__all__ = ["NoteScreen"]


class NoteScreen(ModalScreen[str | None]):
    """Edits one note; dismissed with its text (blank: no note), or None when cancelled."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    #note {
        width: 80; max-width: 95%; height: 18; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #note-text { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note"):
            yield Static(Text(self.title_text, style="bold"))
            yield TextArea(self.text, id="note-text", soft_wrap=True)
            yield Static("ctrl+s saves \u00b7 Esc cancels \u00b7 an empty note removes it")
        yield Footer()  # this dialog's own keys

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
