"""Which format a redacted export is written in: Markdown, JSON Lines or an HTML replay."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

__all__ = ["FORMATS", "ExportFormatScreen"]

FORMATS: dict[str, str] = {
    "md": "Markdown (m)",
    "jsonl": "JSON Lines (j)",
    "html": "HTML replay (h)",
}
"""Each format's key in ``controllers/redacted_export.py`` and its label here."""


class ExportFormatScreen(ModalScreen[str | None]):
    """Answers the format chosen ("md", "jsonl", "html"), or None (Esc)."""

    DEFAULT_CSS = """
    ExportFormatScreen { align: center middle; }
    #export-format {
        width: 50; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 1 2;
    }
    #export-format OptionList { height: auto; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose(None)", "Cancel"),
        Binding("m", "choose('md')", "Markdown", show=False),
        Binding("j", "choose('jsonl')", "JSON Lines", show=False),
        Binding("h", "choose('html')", "HTML", show=False),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="export-format"):
            yield Static(Text(self.title_text, style="bold"))
            yield Static("Secrets are found first and listed for review; nothing is written yet.")
            yield OptionList(*(Option(label, id=fmt) for fmt, label in FORMATS.items()))
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, fmt: str | None) -> None:
        self.dismiss(fmt)
