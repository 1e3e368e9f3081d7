"""Every secret a redacted export will mask, for review before the file is written.

One row per redaction: the event's seq, the rule that found it and the text around it with
the secret already masked (never the secret itself), all inert. Enter or ``w`` writes the
export, Esc cancels and nothing is written."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ..redaction import HEADER_SEQ, Redaction
from ..sanitize import inert

__all__ = ["RedactionReviewScreen", "summary"]


def summary(redactions: list[Redaction]) -> str:
    """``7 secrets will be masked: github-token 5, aws-access-key 2`` (most found first)."""
    if not redactions:
        return "No secrets found: the export will be the same as without redaction."
    count = len(redactions)
    rules = Counter(r.rule for r in redactions).most_common()
    each = ", ".join(f"{rule} {n:,}" for rule, n in rules)
    return f"{count:,} secret{'' if count == 1 else 's'} will be masked: {each}"


class RedactionReviewScreen(ModalScreen[bool]):
    """Answers True to write the export, False to write nothing."""

    DEFAULT_CSS = """
    RedactionReviewScreen { align: center middle; }
    #redaction-review {
        width: 110; max-width: 95%; height: 85%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    #redaction-table { height: 1fr; }
    #redaction-summary { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: Enter writes even while the table (which binds it) has focus.
        Binding("enter", "answer(True)", "Write", priority=True),
        Binding("w", "answer(True)", "Write", show=False),
        Binding("escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, title: str, redactions: list[Redaction]) -> None:
        super().__init__()
        self.title_text = title
        self.redactions = redactions

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(
            id="redaction-table", cursor_type="row", zebra_stripes=True
        )
        with Vertical(id="redaction-review"):
            yield Static(Text(self.title_text, style="bold"))
            yield Static(Text(summary(self.redactions)), id="redaction-summary")
            yield table
            yield Static("Enter or w writes the export \u00b7 Esc cancels, nothing is written")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("seq", key="seq")
        table.add_column("rule", key="rule")
        table.add_column("masked context", key="context")
        for redaction in self.redactions:
            # Text, not str: a DataTable reads a str cell as markup.
            seq = "header" if redaction.seq == HEADER_SEQ else f"{redaction.seq:,}"
            table.add_row(
                Text(seq, justify="right"),
                Text(redaction.rule),
                Text(inert(redaction.masked)),
            )
        table.focus()

    def action_answer(self, write: bool) -> None:
        self.dismiss(write)
