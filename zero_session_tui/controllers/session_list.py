"""The session list: load it page by page, reload it, sort it and filter it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from store import SessionFilter

from ..catalog import LIVE_WINDOW, SessionItem, SessionPager
from ..warmup import Warmup

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["SessionListLoader"]


@dataclass(frozen=True, slots=True)
class _Page:
    pager: SessionPager
    items: list[SessionItem]
    complete: bool
    total: int | None
    to_end: bool


ROWS_PER_CHUNK = 500
"""Rows added to the list between two refreshes (see ``SessionListLoader._add``)."""


class SessionListLoader:
    """Reads the list's pages in workers and hands them to the table; owns the pager."""

    def __init__(self, app: ZeroSessionApp, pager: SessionPager, warm: Warmup | None) -> None:
        self.app = app
        self.state = app.state
        self.pager = pager
        self.warm = warm
        self.warm_pager = pager
        """The pager the warm-up read the first page with (a reload makes another)."""
        self._adding = False
        """A page is being added a chunk at a time: no other page is read meanwhile."""

    def start(self) -> None:
        warm = self.warm
        if warm is not None and self.pager is self.warm_pager and warm.first_page.done():
            self._take_warm_page(warm)
        else:
            self.load(first=True)

    def _take_warm_page(self, warm: Warmup) -> None:
        try:
            page, complete, total = warm.first_page.result()
        except Exception as error:
            self.app.report("Cannot list sessions", error)
            self._failed(error)
            return
        self._loaded(_Page(self.pager, page, complete, total, False))

    def load(self, *, first: bool = False, rest: bool = False) -> None:
        """Read the next page (``first``: the first one and the total; ``rest``: all left)."""
        pager, warm = self.pager, self.warm

        def read() -> _Page:
            if first and warm is not None and pager is self.warm_pager:
                page, complete, total_found = warm.first_page.result()
                return _Page(pager, page, complete, total_found, rest)
            total = pager.total() if first else None
            page = pager.rest() if rest else pager.next_page()
            return _Page(pager, page, pager.exhausted, total, rest)

        self.app.in_thread(
            read,
            self._loaded,
            group="sessions",
            exclusive=True,
            failure="Cannot list sessions",
            failed=self._failed,
            wanted=lambda page: page.pager is self.pager,  # else reloaded since
        )

    def _failed(self, error: Exception) -> None:
        self.state.list_shown = True
        self.app.start_when_shown()

    def _loaded(self, page: _Page) -> None:
        table, replay = self.app.table, self.app.replay
        if page.total is not None:
            table.set_total(page.total)
            empty = page.total == 0 and self.state.list_order.where.is_empty
            replay.note = (
                "No sessions here yet: the ZERO client records one each time it runs"
                " (--demo shows a sample)."
                if empty
                else ""
            )
            replay.refresh()
        if page.total is not None and not page.to_end:
            # The first page: a screenful of rows now (DataTable measures every row added
            # before the frame that shows it), the rest after that frame, columns fitted to
            # all of them at once.
            self.app.table.reserve(page.items)
            self._add(page, page.items, self.app.table.screenful)
        else:
            self._add(page, page.items)
        self.app.labelling.say_if_off()  # names and tags are read with each page

    def _add(self, page: _Page, items: list[SessionItem], size: int | None = None) -> None:
        """Add ``items`` to the table a chunk at a time: DataTable measures every new row on
        the UI thread, so 10,000 rows at once (End on a long list) froze keys for seconds.
        Between chunks the screen refreshes and keys are answered."""
        if page.pager is not self.pager:
            return  # reloaded since: the rest of this page is not wanted
        size = min(size or ROWS_PER_CHUNK, ROWS_PER_CHUNK)
        chunk, rest = items[:size], items[size:]
        table = self.app.table
        table.add_items(chunk, complete=page.complete and not rest)
        wanted = self.state.wanted_key
        if wanted is not None and not page.to_end:  # End: the cursor is on the last row
            table.select_key(wanted.partition, wanted.session_id)
        self._adding = bool(rest)
        if rest:
            table.call_after_refresh(self._add, page, rest)
            return
        # Keys typed during start-up act once the whole page is in: ``j`` x 40 reaches row
        # 40, not the last of the first screenful.
        self.state.list_shown = True
        self.app.start_when_shown()

    def more(self) -> None:
        table = self.app.table
        # Not while a page is added, nor once that page has moved the end away: the first
        # screenful's rows asked for more before the rest of their page was in.
        if not table.complete and not self._adding and table.near_end:
            self.load()

    def to_end(self) -> None:
        self.load(rest=True)  # every page left, then the cursor on the last row

    def sort(self, key: str, descending: bool) -> None:
        self.state.list_order = replace(self.state.list_order, sort=key, descending=descending)
        self.reload()

    def ask_filter(self) -> None:
        from ..screens.filter import FilterScreen

        def chosen(spec: SessionFilter | None) -> None:
            if spec is not None:
                self.state.list_order = replace(self.state.list_order, where=spec)
                self.reload()

        self.app.push_screen(FilterScreen(self.state.list_order.where, self.app.tz), chosen)

    def filter_note(self) -> str:
        spec = self.state.list_order.where
        tz = self.app.tz
        parts = []
        if spec.started_from or spec.started_before:
            start = spec.started_from.astimezone(tz).date() if spec.started_from else ""
            end = (
                (spec.started_before - timedelta(days=1)).astimezone(tz).date()
                if spec.started_before
                else ""
            )
            parts.append(f"{start}..{end}")
        if spec.cli_version:
            parts.append(f"cli~{spec.cli_version}")
        if spec.engine:
            parts.append(f"engine~{spec.engine}")
        if spec.status != "any":
            parts.append(spec.status)
        if spec.name:
            parts.append(f"name~{spec.name}")
        if spec.tag:
            parts.append(f"#{spec.tag}")
        return ("filtered: " + " ".join(parts)) if parts else ""

    def reload(self) -> None:
        """Read the list again from the top, in its order and filter."""
        state = self.state
        spec = state.list_order.where
        if spec.status == "live" or spec.status == "open":
            spec = replace(spec, active_since=self.app.clock() - LIVE_WINDOW)
        state.list_order = replace(state.list_order, where=spec)
        self.pager = self.app.catalog.pager(order=state.list_order)
        self._adding = False  # what was being added belongs to the old pager
        order = state.list_order
        self.app.table.show_order(order.sort, order.descending, self.filter_note())
        self.app.table.reset()
        self.load(first=True)
