"""What the user does to a session: find, jump, filter kinds, copy, wrap, export, forks, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from store import SessionError, format_rfc3339, milestones

from . import locations
from .app_copy import CopyMixin
from .app_find import FindMixin
from .catalog import SessionKey
from .sanitize import inert
from .widgets.replay import ReplayView

if TYPE_CHECKING:
    from .fork_tree import ForkNode
    from .screens.search import SearchResult
    from .screens.wrap import WrapScreen

# The screens and writers below are imported where they are used: none of them is on the
# path to the first screen, and Textual widgets cost import time (see bench/).

__all__ = ["ToolsMixin"]

ALL_KINDS = frozenset({"prompt", "command", "system", "warn", "alert", "mode_change"})


class ToolsMixin(FindMixin, CopyMixin):
    # ---- requests from the replay pane -----------------------------------------------------

    def on_replay_view_request(self, message: ReplayView.Request) -> None:
        handler = {
            "jump": self._ask_jump,
            "find": self._ask_find,
            "copy_text": self._copy_text,
            "copy_link": self._copy_link,
        }.get(message.what)
        if handler is not None:
            handler()

    def _ask_jump(self) -> None:
        from .screens.prompt import PromptScreen

        def jump(answer: str | None) -> None:
            if not answer:
                return
            if not answer.strip().isdigit():
                self.notify(f"{answer[:40]!r} is not a seq number.", severity="error", markup=False)
            elif not self.replay.jump_to_seq(int(answer)):
                self.notify(f"No event at or after seq {answer.strip()} here.", markup=False)

        self.push_screen(PromptScreen("Jump to seq", placeholder="e.g. 1200"), jump)

    # ---- kind filters ----------------------------------------------------------------------

    def on_replay_view_kind_toggled(self, message: ReplayView.KindToggled) -> None:
        current = self.kinds if self.kinds is not None else ALL_KINDS
        kinds = current ^ {message.kind}
        self.kinds = None if kinds == ALL_KINDS else frozenset(kinds)
        if self.shown_key is not None:
            # The cursor's event may be one now hidden: the nearest shown one after it (or
            # the end) is taken, without a notice. A timed replay goes on, filtered.
            self.replay.keep_replay()
            self.open_session(self.shown_key, self.replay.cursor_event_seq(), quiet=True)

    # ---- search across sessions ------------------------------------------------------------

    def action_search(self) -> None:
        from .screens.search import SearchScreen

        def chosen(result: SearchResult | None) -> None:
            if result is not None:
                self.open_session(result.key, result.seq)
                self.table.select_key(result.key.partition, result.key.session_id)
                self.replay.focus()

        self.push_screen(SearchScreen(self.catalog, tz=self.tz), chosen)

    # ---- wrap ------------------------------------------------------------------------------

    _wrap_partition: int | None = None  # the wrap on screen's database: ``s`` writes there

    def action_wrap(self) -> None:
        timeline = self.replay.timeline
        if self.shown_key is not None and timeline is not None:
            # By the ULID on screen: the row id may be another session's by now (the file
            # replaced, the catalog reopened it, and the UI not told yet).
            self._wrap_worker(self.shown_key, timeline.session.ulid)

    @work(thread=True, exclusive=True, group="wrap", exit_on_error=False)
    def _wrap_worker(self, key: SessionKey, ulid: str) -> None:
        from store.wrap import generate, should_wrap

        from .screens.wrap import WrapScreen

        try:
            store = self.catalog.store(key.partition)
            session = store.get_session_by_ulid(ulid)
            if session is None:
                raise SessionError(f"session {inert(ulid)} no longer exists")
            live = session.ended_at is None
            ended_at = session.ended_at or self.clock()
            report = generate(session, store.iter_events(session.id), ended_at)
            qualifies = should_wrap(session, store.iter_events(session.id), ended_at)
        except Exception as error:
            self.call_from_thread(self.report, "Cannot compute the wrap", error)
            return
        self.call_from_thread(self._offer_wrap, key.partition, WrapScreen(report, qualifies, live))

    def _offer_wrap(self, partition: int, screen: WrapScreen) -> None:
        self._wrap_partition = partition
        self.push_screen(screen)

    def on_wrap_screen_save(self, message: WrapScreen.Save) -> None:
        if self._wrap_partition is not None:
            self._save_wrap(self._wrap_partition, message)

    @work(thread=True, group="wrap-save", exit_on_error=False)
    def _save_wrap(self, partition: int, message: WrapScreen.Save) -> None:
        from store.atomic_write import write_atomically
        from store.wrap import wrap_path, write_wrap

        report = message.report
        database = self.catalog.partitions[partition].path
        ulid = inert(report.session_ulid)
        gone = SessionError(f"session {ulid} no longer exists in {database.name}; not written")
        try:
            with self.catalog.writer(partition) as store:
                # The wrap is of the session the report names, in the database it came
                # from; never written for a session that is gone.
                if store.get_session_by_ulid(report.session_ulid) is None:
                    raise gone
                directory = locations.wraps_dir(database)
                target = wrap_path(report, directory)
                # An earlier wrap of this session is put back if this one must be undone.
                previous = target.read_bytes() if target.is_file() else None
                path = write_wrap(report, directory)
                recorded = store.set_milestone_for_session(
                    report.session_ulid,
                    milestones.LAST_DAILY_WRAP_AT,
                    format_rfc3339(self.clock()),
                )
                if not recorded:  # the session went between the check and the write
                    if previous is None:
                        path.unlink(missing_ok=True)
                    else:
                        write_atomically(path, previous)
                    raise gone
        except Exception as error:
            self.call_from_thread(self.report, "Cannot write the wrap", error)
            return
        self.call_from_thread(self.notify, f"Wrap written to {path}", markup=False)

    # ---- export ----------------------------------------------------------------------------

    def action_export(self, fmt: str) -> None:
        if self.shown_key is not None:
            self._export_worker(self.shown_key, fmt)

    @work(thread=True, group="export", exit_on_error=False)
    def _export_worker(self, key: SessionKey, fmt: str) -> None:
        from .export import export_jsonl, export_markdown

        try:
            # The session as the user saw it; the export finds it again by its ULID inside
            # its own read, in a store of its own (a snapshot holds the store's lock).
            session = self.catalog.store(key.partition).get_session(key.session_id)
            if session is None:
                raise SessionError("the session no longer exists")
            writer = export_markdown if fmt == "md" else export_jsonl
            database = self.catalog.partitions[key.partition].path
            with self.catalog.reader(key.partition) as store:
                path = writer(store, session, locations.exports_dir(database))
        except Exception as error:
            self.call_from_thread(self.report, "Cannot export", error)
            return
        self.call_from_thread(self.notify, f"Exported to {path}", markup=False)

    # ---- forks -----------------------------------------------------------------------------

    def action_forks(self) -> None:
        if self.shown_key is not None:
            self._forks_worker(self.shown_key)

    @work(thread=True, exclusive=True, group="forks", exit_on_error=False)
    def _forks_worker(self, key: SessionKey) -> None:
        from .screens.forks import ForksScreen

        try:
            root = self._fork_tree(key)
        except Exception as error:
            self.call_from_thread(self.report, "Cannot read forks", error)
            return
        if root is None:
            return

        def chosen(result: SearchResult | None) -> None:
            if result is not None:
                self.open_session(result.key, result.seq)

        self.call_from_thread(self.push_screen, ForksScreen(root, key), chosen)

    def _fork_tree(self, key: SessionKey) -> ForkNode | None:
        from .fork_tree import build_fork_tree

        return build_fork_tree(self.catalog.store(key.partition), key.partition, key.session_id)

    # ---- delete ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        from .screens.confirm import ConfirmScreen

        target = self._delete_target()
        if target is None:
            return
        key, ulid, count = target
        events = f"its {count:,} events" if count is not None else "all its events"
        question = Text.assemble(
            "Delete session ", (ulid, "bold"), f" and {events}?\n", "This cannot be undone."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete_worker(key, ulid)

        self.push_screen(ConfirmScreen(question, "Delete"), answer)

    def _delete_target(self) -> tuple[SessionKey, str, int | None] | None:
        """(key, ULID, event count if known) of the session ``d`` deletes: the one shown in
        the replay when the replay has focus (what the user is looking at), else the list's
        highlighted row."""
        timeline = self.replay.timeline
        if self.focused is self.replay and timeline is not None:
            key = timeline.key
            listed = next((i for i in self.table.items if i.key == key), None)
            if listed is not None:
                return key, listed.session.ulid, listed.summary.event_count
            count = timeline.count if timeline.kinds is None else None
            return key, timeline.session.ulid, count
        item = self.table.current_item()
        if item is None:
            return None
        return item.key, item.session.ulid, item.summary.event_count

    @work(thread=True, group="delete", exit_on_error=False)
    def _delete_worker(self, key: SessionKey, ulid: str) -> None:
        # By the ULID the dialog named, checked inside the write: never a row id, which a
        # restored file or a reused id would give to another session.
        try:
            with self.catalog.writer(key.partition) as store:
                deleted = store.delete_session_by_ulid(ulid)
        except Exception as error:
            self.call_from_thread(self.report, "Cannot delete", error)
            return
        self.call_from_thread(self._deleted, key, ulid, deleted)

    def _deleted(self, key: SessionKey, ulid: str, deleted: bool) -> None:
        if not self.ui_alive:
            return
        # By identity: the row id may be another session's by now (a restored file, an id
        # reused), and the session the dialog named may be listed under another one.
        timeline = self.replay.timeline
        if key == self.shown_key and (timeline is None or timeline.session.ulid == ulid):
            self.shown_key = self.wanted_key = None
            self.replay.show(None)
        same = [i for i in self.table.items if i.key.partition == key.partition]
        self.table.remove_keys([i.key for i in same if i.session.ulid == ulid])
        name = self.catalog.partitions[key.partition].path.name
        outcome = "deleted." if deleted else f"is no longer in {name}: nothing was deleted."
        self.notify(f"Session {inert(ulid)} {outcome}", markup=False)
