"""Bookmarks as a list: every one across sessions (B), or only the shown session's (b), each
with its session, seq, event time, the note's first line and the event's kind and text, every
column at a set width so the note is never the part cut off.

A bookmark whose session is in no open database is listed as orphaned, never dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from ..catalog import SessionKey
from ..formatting import local_time, short_ulid
from ..sanitize import one_line

__all__ = ["BookmarkRow", "BookmarksScreen"]


@dataclass(frozen=True, slots=True)
class BookmarkRow:
    """One bookmark as listed: ``key`` is None when its session is in no open database."""

    ulid: str
    seq: int
    note: str | None
    key: SessionKey | None
    at: datetime | None
    where: str = ""
    """The partition's label when several databases are open."""
    event: str = ""
    """The event's kind and the start of its text ("" when its session or event is gone)."""


class BookmarksScreen(ModalScreen[BookmarkRow | None]):
    DEFAULT_CSS = """
    BookmarksScreen { align: center middle; }
    #bookmarks {
        width: 95%; max-width: 140; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #bookmarks-table { height: 1fr; }
    """

    NOTE_WIDTH: ClassVar[int] = 30
    """Cells for the note's first line at most (half the room left on a narrow screen);
    the event gets the rest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,B", "cancel", "Close"),
    ]

    def __init__(
        self, rows: list[BookmarkRow], tz: tzinfo | None, title: str = "Bookmarks"
    ) -> None:
        super().__init__()
        self.rows = rows
        self.tz = tz
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks"):
            yield Static(Text(f"{self.title_text} ({len(self.rows):,})", style="bold"))
            if self.rows:
                yield DataTable(id="bookmarks-table", cursor_type="row", zebra_stripes=True)
                yield Static("Enter opens the session at the bookmark", markup=False)
            else:
                yield Static("No bookmarks yet: m in the replay bookmarks the event there.")
        yield Footer()  # this dialog's own keys

    def on_mount(self) -> None:
        if not self.rows:
            return
        table: DataTable[Text] = self.query_one(DataTable)
        cells = [self._cells(row) for row in self.rows]
        heads = ("Session", "Seq", "Time")
        widths = [max([len(head)] + [c[i].cell_len for c in cells]) for i, head in enumerate(heads)]
        # Every column's width is set, so nothing is measured and nothing runs off the right
        # edge behind a horizontal scroll bar: the note is the user's own words and is never
        # the part cut. Each column has one cell of padding each side.
        rest = max(16, self._inner_width() - sum(widths) - 2 * 5)
        note = min(self.NOTE_WIDTH, rest - rest // 2)
        event = rest - note
        for label, width in zip(heads, widths, strict=True):
            table.add_column(label, width=width)
        table.add_column("Note", width=note)
        table.add_column("Event", width=event)
        for index, (session, seq, when, text) in enumerate(cells):
            row = self.rows[index]
            first = (row.note or "").strip().splitlines()
            shown = Text(one_line(first[0], 200)[0] if first else "")
            shown.truncate(note, overflow="ellipsis")
            text.truncate(event, overflow="ellipsis")
            table.add_row(session, seq, when, shown, text, key=str(index))
        table.focus()

    def _inner_width(self) -> int:
        """The table's room: the dialog (95 % of the screen, at most 140 cells) less its
        border, its padding and a vertical scroll bar."""
        dialog = min(140, self.app.size.width * 95 // 100)
        return dialog - 2 - 2 - 2

    def _cells(self, row: BookmarkRow) -> tuple[Text, Text, Text, Text]:
        session = Text(short_ulid(one_line(row.ulid, 64)[0]))
        if row.where:
            session.append(f" {one_line(row.where, 24)[0]}", style="dim")
        when = local_time(row.at, self.tz, seconds=True) if row.at else "\u2014"
        if row.key is None:
            event = Text("orphaned: not in an open database", style="italic")
        else:
            event = Text(row.event or "\u2014")
        return session, Text(str(row.seq), justify="right"), Text(when), event

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.dismiss(self.rows[int(event.row_key.value)])

    def action_cancel(self) -> None:
        self.dismiss(None)
