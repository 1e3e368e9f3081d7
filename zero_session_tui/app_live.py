"""Live tail: poll each database cheaply; grow the shown session and refresh the list."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.css.query import NoMatches
from textual.message import Message

from store import SessionRow

from .app_base import AppBase
from .catalog import ListOrder, SessionItem, SessionKey
from .live import POLL_INTERVAL, ChangeWatcher
from .timeline import TimelineShape, read_shape

__all__ = ["LiveMixin"]


@dataclass
class SessionGrew(Message):
    """The shown session has new events or has ended."""

    key: SessionKey
    session: SessionRow
    shape: TimelineShape
    counts: dict[str, int]

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionGrew) and message.key == self.key


@dataclass
class SessionsRefreshed(Message):
    """Fresh summaries for the list: new sessions (newest first) and updated ones."""

    newest: list[SessionItem]
    updated: list[SessionItem]
    total: int


class LiveMixin(AppBase):
    watcher: ChangeWatcher | None = None
    list_order: ListOrder  # set by the app: how the list is sorted and filtered

    def start_watching(self) -> None:
        self.watcher = ChangeWatcher(self.catalog)
        self.set_interval(POLL_INTERVAL, self._poll)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None

    def _poll(self) -> None:
        self._poll_worker(self.shown_key, self.kinds)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll_worker(self, key: SessionKey | None, kinds: frozenset[str] | None) -> None:
        watcher = self.watcher
        if watcher is None:
            return
        try:
            changed = watcher.changed()
            if not changed:
                return
            if key is not None and key.partition in changed:
                store = self.catalog.store(key.partition)
                session = store.get_session(key.session_id)
                if session is not None:
                    shape = read_shape(self.catalog, key, kinds)
                    counts = store.kind_counts(key.session_id)
                    self.post_message(SessionGrew(key, session, shape, counts))
            self._refresh_list(changed)
        except Exception as error:
            self.call_from_thread(self.report, "Cannot follow changes", error)

    def _refresh_list(self, partitions: set[int]) -> None:
        table = self.table
        if table.total is None:
            # The first page is still loading (and will be fresh). Refreshing now would list
            # every session as new, move the cursor to the top and preview that session
            # instead of the one --session asked for.
            return
        known = {item.key for item in table.items}
        newest: list[SessionItem] = []
        # The list's own sort and filter: a new session that does not pass the filter is not
        # added, and the total is the filtered one.
        pager = self.catalog.pager(order=self.list_order)
        for item in pager.next_page():
            if item.key in known:
                break
            newest.append(item)
        updated = [
            fresh
            for item in list(table.items)
            if item.key.partition in partitions and item.session.ended_at is None
            for fresh in [self.catalog.item(item.key)]
            if fresh is not None and fresh != item
        ]
        total = pager.total()
        self.post_message(SessionsRefreshed(newest, updated, total))

    def on_session_grew(self, message: SessionGrew) -> None:
        if not self.ui_alive:
            return
        try:
            timeline = self.replay.timeline
        except NoMatches:  # the app is closing: a poll still in flight finds no widgets
            return
        if timeline is None or timeline.key != message.key or message.key != self.shown_key:
            return
        if timeline.kinds != self.kinds:
            return
        if message.shape.count == timeline.count and message.session == timeline.session:
            return
        live = message.session.ended_at is None
        self.replay.grow(timeline.grown(message.session, message.shape), live)
        self.bar.set_counts(message.counts, self.kinds)

    def on_sessions_refreshed(self, message: SessionsRefreshed) -> None:
        if not self.ui_alive:
            return
        try:
            table = self.table
        except NoMatches:  # the app is closing
            return
        for item in message.updated:
            table.update_item(item)
        if message.newest:
            table.prepend_items(message.newest)
        table.set_total(message.total)
