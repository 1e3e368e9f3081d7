"""The session list: a DataTable filled a page at a time, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from ..catalog import SessionItem, SessionKey, status_of
from ..formatting import duration, engine_label, local_time, short_ulid
from ..messages import (
    FilterRequested,
    MoreSessionsWanted,
    SessionChosen,
    SessionHighlighted,
    SortRequested,
)
from ..sanitize import one_line

__all__ = ["SessionTable"]

_PREFETCH_ROWS = 20


def _inert(value: str) -> str:
    """Database text for one cell: controls and invisible characters made visible."""
    return one_line(value, 256)[0]


class SessionTable(DataTable[Text]):
    """Sessions, newest first; more rows load as the cursor nears the end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", show=True),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
        Binding("s", "sort(1)", "Sort by next column", show=False),
        Binding("S", "sort(0)", "Reverse the sort", show=False),
        Binding("F", "filter", "Filter", show=False),
    ]

    SORTABLE: ClassVar[tuple[str, ...]] = (
        "started",
        "duration",
        "events",
        "warn",
        "alert",
        "last_event",
        "session",
        "cli",
        "engine",
        "fork",
    )
    sort_key = "started"
    descending = True
    filter_note = ""

    def __init__(
        self,
        *,
        show_partition: bool,
        clock: Callable[[], datetime],
        tz: tzinfo | None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.show_partition = show_partition
        self.clock = clock
        self.tz = tz
        self.items: list[SessionItem] = []
        self.total: int | None = None
        self.complete = False

    def on_mount(self) -> None:
        if self.show_partition:
            self.add_column("db", key="db")
        self.add_column("session", key="session")
        self.add_column("started", key="started")
        self.add_column("duration", key="duration")
        self.add_column(Text("events", justify="right"), key="events")
        self.add_column(Text("warn", justify="right"), key="warn")
        self.add_column(Text("alert", justify="right"), key="alert")
        self.add_column("cli", key="cli")
        self.add_column("engine", key="engine")
        self.add_column("fork of", key="fork")
        self.add_column("last event", key="last_event")
        self._update_title()

    async def _on_idle(self, event: events.Idle) -> None:
        pending = self._require_update_dimensions or bool(self._updated_cells)
        await super()._on_idle(event)
        if pending:
            # Textual 8.2 measures new rows when idle but keeps lines it rendered before that
            # in caches keyed without the column widths: a later focus change (a modal) then
            # shows every cell cut to its header's width. Drop those lines.
            self._clear_caches()
            self.refresh()

    def add_items(self, items: list[SessionItem], *, complete: bool) -> None:
        now = self.clock()
        theme = self.app.current_theme
        present = {item.key for item in self.items}
        for item in items:
            if item.key in present:
                # A live refresh that raced a reload added it already: a second row with the
                # same key raised DuplicateKey and dropped the rest of the page.
                continue
            present.add(item.key)
            self.add_row(
                *self._cells(item, now, theme.warning, theme.error, theme.success),
                key=self._row_key(item),
            )
            self.items.append(item)
        self.complete = complete
        self._update_title()

    def update_item(self, item: SessionItem) -> None:
        """New figures for a loaded session (a live one grew or ended)."""
        for row, known in enumerate(self.items):
            if known.key == item.key:
                self.items[row] = item
                theme = self.app.current_theme
                cells = self._cells(item, self.clock(), theme.warning, theme.error, theme.success)
                for column, cell in zip(self.columns, cells, strict=True):
                    self.update_cell(self._row_key(item), column, cell)
                return

    def prepend_items(self, items: list[SessionItem]) -> None:
        """New sessions go on top; the cursor stays on the session it was on."""
        current = self.current_item()
        existing = list(self.items)
        self.clear()
        self.items.clear()
        self.add_items([*items, *existing], complete=self.complete)
        if current is not None:
            self.select_key(current.key.partition, current.key.session_id)

    def reset(self) -> None:
        """Empty, to be loaded again from the first page."""
        self.clear()
        self.items.clear()
        self.complete = False

    def remove_keys(self, keys: list[SessionKey]) -> None:
        """Drop these sessions (deleted, here or by another program); the cursor stays on a
        neighbour."""
        gone = set(keys)
        row = self.cursor_row
        before = self.current_item()
        for item in [i for i in self.items if i.key in gone]:
            self.remove_row(self._row_key(item))
            self.items.remove(item)
            if self.total is not None:
                self.total = max(0, self.total - 1)
        if self.items:
            self.move_cursor(row=min(row, len(self.items) - 1))
        current = self.current_item()
        if current is not None and current != before:
            # The cursor's row now shows another session: as if the cursor had moved to it.
            self.post_message(SessionHighlighted(current))
        self._update_title()

    def set_total(self, total: int) -> None:
        self.total = total
        self._update_title()

    @staticmethod
    def _row_key(item: SessionItem) -> str:
        return f"{item.key.partition}:{item.key.session_id}"

    def _cells(
        self,
        item: SessionItem,
        now: datetime,
        warn_colour: str | None,
        alert_colour: str | None,
        live_colour: str | None,
    ) -> list[Text]:
        session = item.session
        summary = item.summary
        status = status_of(item, now)
        if status == "ended" and session.started_at and session.ended_at:
            span = Text(duration(session.ended_at - session.started_at))
        elif status == "live":
            span = Text("\u25cf live", style=f"bold {live_colour or 'green'}")
        else:
            span = Text("open", style="italic")
        cells = [
            Text(_inert(short_ulid(session.ulid))),
            Text(local_time(session.started_at, self.tz)),
            span,
            Text(f"{summary.event_count:,}", justify="right"),
            Text(
                f"{summary.warn_count:,}" if summary.warn_count else "\u00b7",
                justify="right",
                style=(warn_colour or "yellow") if summary.warn_count else "dim",
            ),
            Text(
                f"{summary.alert_count:,}" if summary.alert_count else "\u00b7",
                justify="right",
                style=f"bold {alert_colour or 'red'}" if summary.alert_count else "dim",
            ),
            Text(_inert(session.cli_version)),
            Text(_inert(engine_label(session.engine_base_url))),
            Text(
                f"\u2442 {_inert(short_ulid(session.parent_ulid))}" if session.parent_ulid else ""
            ),
            Text(local_time(summary.last_event_at, self.tz) if summary.event_count else ""),
        ]
        if self.show_partition:
            cells.insert(0, Text(_inert(item.partition.label)))
        return cells

    def _update_title(self) -> None:
        loaded = len(self.items)
        if self.total is None:
            title = f"Sessions \u00b7 {loaded:,} loaded"
        elif loaded >= self.total or self.complete:
            title = f"Sessions \u00b7 {self.total:,}"
        else:
            title = f"Sessions \u00b7 {loaded:,} of {self.total:,} loaded"
        if (self.sort_key, self.descending) != ("started", True):
            arrow = "\u2193" if self.descending else "\u2191"
            title += f" \u00b7 by {self.sort_key.replace('_', ' ')} {arrow}"
        if self.filter_note:
            title += f" \u00b7 {self.filter_note}"
        self.border_title = title

    def show_order(self, sort_key: str, descending: bool, filter_note: str) -> None:
        self.sort_key, self.descending, self.filter_note = sort_key, descending, filter_note
        self._update_title()

    def action_sort(self, step: int) -> None:
        if step:
            index = self.SORTABLE.index(self.sort_key) if self.sort_key in self.SORTABLE else -1
            key, descending = self.SORTABLE[(index + 1) % len(self.SORTABLE)], True
        else:
            key, descending = self.sort_key, not self.descending
        self.post_message(SortRequested(key, descending))

    def action_filter(self) -> None:
        self.post_message(FilterRequested())

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = str(event.column_key.value)
        key = {"db": "started", "started": "started"}.get(column, column)
        if key not in self.SORTABLE:
            return
        descending = not self.descending if key == self.sort_key else True
        self.post_message(SortRequested(key, descending))

    def current_item(self) -> SessionItem | None:
        if 0 <= self.cursor_row < len(self.items):
            return self.items[self.cursor_row]
        return None

    def select_key(self, partition: int, session_id: int) -> bool:
        """Move the cursor to a session if it is loaded."""
        for row, item in enumerate(self.items):
            if item.key.partition == partition and item.key.session_id == session_id:
                self.move_cursor(row=row)
                return True
        return False

    def _near_end(self) -> bool:
        return not self.complete and self.cursor_row >= len(self.items) - _PREFETCH_ROWS

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self.current_item()
        if item is not None:
            self.post_message(SessionHighlighted(item))
        if self._near_end():
            self.post_message(MoreSessionsWanted())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.current_item()
        if item is not None:
            self.post_message(SessionChosen(item))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self.complete and new >= self.max_scroll_y - _PREFETCH_ROWS:
            self.post_message(MoreSessionsWanted())
