"""The session list: a DataTable filled a page at a time, newest first.

Its columns have explicit widths fitted to the table (``session_columns`` says in which order
columns are shortened and dropped at 120 and 80 columns); a value wider than its column (a
live count gaining a digit) refits them. The sorted column's header shows the direction
(▼ descending, ▲ ascending); ``End``/``G`` load the rest of the list and go to its last row;
a filter that matches nothing says so in the table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import ClassVar, TypeAlias

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widgets import DataTable

from ..catalog import SessionItem, SessionKey
from ..session_pages import ASCENDING_FIRST, NAME_SORT, SORT_ORDER
from . import session_table_messages as messages
from .session_columns import (
    LABELS,
    RIGHT,
    Colours,
    Layout,
    RowCells,
    Widths,
    fit,
    label_of,
    row_cells,
)

__all__ = ["SessionTable"]

_PREFETCH_ROWS = 20
DOWN, UP = "\u25bc", "\u25b2"


class SessionTable(DataTable[Text]):
    """Sessions, newest first; more rows load as the cursor nears the end."""

    # Its messages (in session_table_messages.py), each carrying frozen values only.
    SessionHighlighted: TypeAlias = messages.SessionHighlighted
    SessionChosen: TypeAlias = messages.SessionChosen
    MoreWanted: TypeAlias = messages.MoreWanted
    EndWanted: TypeAlias = messages.EndWanted
    SortRequested: TypeAlias = messages.SortRequested
    FilterRequested: TypeAlias = messages.FilterRequested

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", show=True),
        # The app's actions on the highlighted session (also keys of the replay, on its own).
        Binding("R", "app.label('name')", "Name", tooltip="Name the session"),
        Binding("number_sign", "app.label('tags')", "Tags", tooltip="Tag the session"),
        Binding("V", "app.side_by_side", "Side by side"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g,home", "scroll_top", "Top", show=False),
        Binding("G,end", "scroll_bottom", "Bottom (the last session)", show=False),
        Binding("s", "sort(1)", "Sort by next column", show=False),
        Binding("S", "sort(0)", "Reverse the sort", show=False),
        Binding("F", "filter", "Filter", show=False),
    ]

    SORTABLE: ClassVar[tuple[str, ...]] = SORT_ORDER
    sort_key = "started"
    descending = True
    filter_note = ""
    live_marks = True
    """False (``--no-live``): nothing is followed, so no session is marked live."""
    EMPTY_FILTERED = "No session matches this filter: F to change it, Clear to remove it."

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
        self._cells: list[RowCells] = []
        self._reserved: dict[SessionKey, RowCells] = {}
        self._widths = Widths()
        self._layout: Layout | None = None
        self.total: int | None = None
        self.complete = False
        self._to_end = False
        self._pending_sorts: deque[tuple[str, bool]] = deque()

    def on_mount(self) -> None:
        self._refit(force=True)
        self._update_title()

    # ---- columns ---------------------------------------------------------------------------

    def _labels(self) -> dict[str, str]:
        labels = dict(LABELS)
        sorted_by = "started" if self.sort_key == "started" else self.sort_key
        if sorted_by == NAME_SORT:  # names are shown in the first prompt's column
            labels["prompt"] = f"name {DOWN if self.descending else UP}"
        elif sorted_by in labels:
            labels[sorted_by] += f" {DOWN if self.descending else UP}"
        return labels

    def _available(self) -> int:
        width = self.size.width or max(0, self.app.size.width - 2)
        return max(0, width - self.styles.scrollbar_size_vertical)

    def _refit(self, *, force: bool = False) -> bool:
        """Fit the columns to the values loaded and the table's width; rebuild the table
        (public API: columns and rows added again) when the layout changed."""
        labels = self._labels()
        layout = fit(self._widths, labels, self._available(), with_db=self.show_partition)
        if layout == self._layout and not force:
            return False
        current = self.current_item()
        self._layout = layout
        self.clear(columns=True)
        for key, width in layout.columns:
            label = Text(
                label_of(key, labels, key in layout.short),
                justify="right" if key in RIGHT else "left",
            )
            self.add_column(label, width=width, key=key)
        for item, cells in zip(self.items, self._cells, strict=True):
            self.add_row(*self._row(cells), key=self._row_key(item))
        if current is not None:
            self.select_key(current.key.partition, current.key.session_id)
        return True

    def _row(self, cells: RowCells) -> list[Text]:
        assert self._layout is not None
        short = self._layout.short
        return [cells.cell(key, width, key in short) for key, width in self._layout.columns]

    def on_resize(self, event: events.Resize) -> None:
        self._refit()

    def _row_cells(self, item: SessionItem, now: datetime) -> RowCells:
        theme = self.app.current_theme
        colours = Colours(theme.warning or "yellow", theme.error or "red", theme.success or "green")
        colours = replace(colours, tag=theme.accent or colours.tag)
        return row_cells(item, now, self.tz, live_marks=self.live_marks, colours=colours)

    # ---- rows ------------------------------------------------------------------------------

    @property
    def screenful(self) -> int:
        """About as many rows as the table will show, known before its first layout: its
        CSS height (cells, or a percentage) taken of the terminal's, else the terminal's."""
        size, height = self.app.size, self.styles.height
        if height is not None and not (height.is_auto or height.is_fraction):
            return max(1, int(height.resolve(size, size)))
        return max(1, size.height)

    def reserve(self, items: list[SessionItem]) -> None:
        """Rows about to be added, a screenful before the first frame and the rest after it:
        their cells are made now and the columns fitted to all of them, so adding the rest
        changes no column's width (no jump)."""
        now = self.clock()
        for item in items:
            self._reserved[item.key] = self._row_cells(item, now)
        self._widths.observe(self._reserved.values())

    def add_items(self, items: list[SessionItem], *, complete: bool) -> None:
        now = self.clock()
        present = {item.key for item in self.items}
        fresh: list[tuple[SessionItem, RowCells]] = []
        for item in items:
            if item.key in present:
                # A live refresh that raced a reload added it already: a second row with the
                # same key raised DuplicateKey and dropped the rest of the page.
                continue
            present.add(item.key)
            cells = self._reserved.pop(item.key, None)
            fresh.append((item, cells if cells is not None else self._row_cells(item, now)))
        self._widths.observe(cells for _, cells in fresh)
        self.items.extend(item for item, _ in fresh)
        self._cells.extend(cells for _, cells in fresh)
        if not self._refit():
            for item, cells in fresh:
                self.add_row(*self._row(cells), key=self._row_key(item))
        self.complete = complete
        if self._to_end and complete:
            self._to_end = False
            super().action_scroll_bottom()
        self._update_title()

    def update_item(self, item: SessionItem) -> None:
        """New figures for a loaded session (a live one grew or ended); a value wider than
        its column widens the column."""
        for row, known in enumerate(self.items):
            if known.key == item.key:
                cells = self._row_cells(item, self.clock())
                self.items[row], self._cells[row] = item, cells
                self._widths.observe([cells])
                if self._refit():
                    return
                for (key, _), cell in zip(self.columns.items(), self._row(cells), strict=True):
                    self.update_cell(self._row_key(item), key, cell)
                # DataTable keys its renders by a count of updates: each update leaves a
                # screenful of dead renders in its caches until their LRUs (10,000 cells)
                # fill, megabytes for a live session's row updated every second. Drop them.
                self.notify_style_update()
                return

    def prepend_items(self, items: list[SessionItem]) -> None:
        """New sessions go on top; the cursor stays on the session it was on."""
        current = self.current_item()
        existing = list(self.items)
        self.clear()
        self.items.clear()
        self._cells.clear()
        self.add_items([*items, *existing], complete=self.complete)
        if current is not None:
            self.select_key(current.key.partition, current.key.session_id)

    def reset(self) -> None:
        """Empty, to be loaded again from the first page."""
        self.clear()
        self.items.clear()
        self._cells.clear()
        self._reserved.clear()
        self._widths = Widths()
        self.complete = False
        self._to_end = False
        self._refit()

    def remove_keys(self, keys: list[SessionKey]) -> None:
        """Drop these sessions (deleted, here or by another program); the cursor stays on a
        neighbour."""
        gone = set(keys)
        row = self.cursor_row
        before = self.current_item()
        for index in reversed(range(len(self.items))):
            item = self.items[index]
            if item.key not in gone:
                continue
            self.remove_row(self._row_key(item))
            del self.items[index], self._cells[index]
            if self.total is not None:
                self.total = max(0, self.total - 1)
        if self.items:
            self.move_cursor(row=min(row, len(self.items) - 1))
        current = self.current_item()
        if current is not None and current != before:
            # The cursor's row now shows another session: as if the cursor had moved to it.
            self.post_message(self.SessionHighlighted(current))
        self._update_title()

    def set_total(self, total: int) -> None:
        if total == self.total:
            return  # every live poll says it: the title and the table are as they were
        self.total = total
        self._update_title()
        self.refresh()  # the note of an empty filtered list

    @staticmethod
    def _row_key(item: SessionItem) -> str:
        return f"{item.key.partition}:{item.key.session_id}"

    def render_line(self, y: int) -> Strip:
        """The table's line ``y``; on an empty list that a filter emptied, the first line
        under the header says so."""
        empty = self.row_count == 0 and bool(self.filter_note) and self.total == 0
        if empty and y == (1 if self.show_header else 0):
            note = Text(f" {self.EMPTY_FILTERED}", style="italic", no_wrap=True)
            strip = Strip(list(note.render(self.app.console)))
            return strip.crop_extend(0, self.size.width, self.rich_style)
        return super().render_line(y)

    def _update_title(self) -> None:
        loaded = len(self.items)
        if self.total is None:
            title = f"Sessions \u00b7 {loaded:,} loaded"
        elif loaded >= self.total or self.complete:
            title = f"Sessions \u00b7 {self.total:,}"
        else:
            title = f"Sessions \u00b7 {loaded:,} of {self.total:,} loaded"
        if (self.sort_key, self.descending) != ("started", True):
            arrow = DOWN if self.descending else UP
            title += f" \u00b7 by {self.sort_key.replace('_', ' ')} {arrow}"
        if self.filter_note:
            title += f" \u00b7 {self.filter_note}"
        self.border_title = Text(title)  # not markup: a filter's text is the user's

    def show_order(self, sort_key: str, descending: bool, filter_note: str) -> None:
        """The order the list is reloaded in. While requests of this table are on their way
        to the app, the latest one stays this table's order (the next ``s`` steps from it)."""
        pending = self._pending_sorts
        if pending and pending[0] == (sort_key, descending):
            pending.popleft()  # the app took the oldest request
        if pending:
            sort_key, descending = pending[-1]
        self.sort_key, self.descending, self.filter_note = sort_key, descending, filter_note
        self._update_title()
        self._refit()  # the arrow moved to another header

    def _request_sort(self, key: str, descending: bool) -> None:
        """Ask for an order, and take it as this table's at once: the next ``s`` or ``S``
        steps from it even if the list has not reloaded yet (fast presses all count)."""
        self.sort_key, self.descending = key, descending
        self._pending_sorts.append((key, descending))
        self._update_title()
        self.post_message(self.SortRequested(key, descending))

    def action_sort(self, step: int) -> None:
        if step:
            index = self.SORTABLE.index(self.sort_key) if self.sort_key in self.SORTABLE else -1
            key = self.SORTABLE[(index + 1) % len(self.SORTABLE)]
            descending = key not in ASCENDING_FIRST
        else:
            key, descending = self.sort_key, not self.descending
        self._request_sort(key, descending)

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def action_scroll_bottom(self) -> None:
        """The last session of the whole list: load the rest first when it is not loaded."""
        if self.complete:
            super().action_scroll_bottom()
            return
        self._to_end = True
        self.post_message(self.EndWanted())

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = str(event.column_key.value)
        key = "started" if column == "db" else column  # the db column sorts as started
        key = NAME_SORT if key == "prompt" else key  # names are shown there
        if key not in self.SORTABLE:
            return
        descending = not self.descending if key == self.sort_key else key not in ASCENDING_FIRST
        self._request_sort(key, descending)

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

    @property
    def near_end(self) -> bool:
        """The cursor, or the scroll, is within a few rows of the last row loaded (asked
        again when a MoreWanted is answered: the rest of a page may have come in since)."""
        # Rows, not max_scroll_y: that is stale until DataTable has measured the new rows.
        near_bottom = self.scroll_y + self.size.height >= len(self.items) - _PREFETCH_ROWS
        return self._near_end() or (not self.complete and not self._to_end and near_bottom)

    def _near_end(self) -> bool:
        if self.complete or self._to_end:  # the rest is being loaded already
            return False
        return self.cursor_row >= len(self.items) - _PREFETCH_ROWS

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        item = self.current_item()
        if item is not None:
            self.post_message(self.SessionHighlighted(item))
        if self._near_end():
            self.post_message(self.MoreWanted())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.current_item()
        if item is not None:
            self.post_message(self.SessionChosen(item))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if not self.complete and not self._to_end and new >= self.max_scroll_y - _PREFETCH_ROWS:
            self.post_message(self.MoreWanted())
