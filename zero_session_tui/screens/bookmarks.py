"""Bookmarks as a list: every one across sessions (B), or only the shown session's (b), each
with its session, seq, event time, the event's kind and first line, and the note's first line.

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
        width: 100; max-width: 95%; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #bookmarks-table { height: 1fr; }
    """

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
        table.add_columns("Session", "Seq", "Time", "Event", "Note")
        for index, row in enumerate(self.rows):
            session = Text(short_ulid(one_line(row.ulid, 64)[0]))
            if row.where:
                session.append(f" {one_line(row.where, 24)[0]}", style="dim")
            if row.key is None:
                session.append(" orphaned", style="italic")
            when = local_time(row.at, self.tz, seconds=True) if row.at else "\u2014"
            first = (row.note or "").strip().splitlines()
            note = one_line(first[0], 200)[0] if first else ""
            table.add_row(
                session,
                Text(str(row.seq), justify="right"),
                Text(when),
                Text(row.event),
                Text(note),
                key=str(index),
            )
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.dismiss(self.rows[int(event.row_key.value)])

    def action_cancel(self) -> None:
        self.dismiss(None)
