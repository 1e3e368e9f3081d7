"""What the user does to a whole session: wrap, export, forks, delete (and jump to a seq)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from store import EventKind, SessionError, StoredEvent, format_rfc3339, milestones

from .. import locations
from ..catalog import SessionKey
from ..downloads import offer_download
from ..sanitize import inert

if TYPE_CHECKING:
    from store.wrap import WrapReport

    from ..app import ZeroSessionApp
    from ..fork_tree import ForkNode
    from ..screens.search import SearchResult
    from ..screens.wrap import WrapScreen

# The screens and writers below are imported where they are used: none of them is on the
# path to the first screen, and Textual widgets cost import time (see bench/).

__all__ = ["SessionActions"]


class SessionActions:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        self.catalog = app.catalog
        self._wrap_partition: int | None = None
        """The wrap on screen's database: ``s`` writes there."""

    # ---- jump ------------------------------------------------------------------------------

    def ask_jump(self) -> None:
        from ..screens.prompt import PromptScreen

        app = self.app

        def jump(answer: str | None) -> None:
            if not answer:
                return
            if not answer.strip().isdigit():
                app.notify(f"{answer[:40]!r} is not a seq number.", severity="error", markup=False)
            elif not app.replay.jump_to_seq(int(answer)):
                app.notify(f"No event at or after seq {answer.strip()} here.", markup=False)

        app.push_screen(PromptScreen("Jump to seq", placeholder="e.g. 1200"), jump)

    # ---- wrap ------------------------------------------------------------------------------

    def wrap(self) -> None:
        key, timeline = self.state.shown_key, self.app.replay.timeline
        if key is None or timeline is None:
            return
        # By the ULID on screen: the row id may be another session's by now (the file
        # replaced, the catalog reopened it, and the UI not told yet).
        ulid, catalog, now = timeline.session.ulid, self.catalog, self.app.clock()

        def compute() -> tuple[WrapReport, bool, bool]:
            from store.wrap import generate, should_wrap

            store = catalog.store(key.partition)
            session = store.get_session_by_ulid(ulid)
            if session is None:
                raise SessionError(f"session {inert(ulid)} no longer exists")
            ended_at = session.ended_at or now
            # One read of the session: the report and the verdict come from the same rows
            # (should_wrap needs only a prompt among them, kept as it goes by).
            first_prompt: list[StoredEvent] = []

            def events() -> Iterator[StoredEvent]:
                for event in store.iter_events(session.id):
                    if not first_prompt and event.kind is EventKind.PROMPT:
                        first_prompt.append(event)
                    yield event

            report = generate(session, events(), ended_at)
            qualifies = should_wrap(session, first_prompt, ended_at)
            return report, qualifies, session.ended_at is None

        def offer(computed: tuple[WrapReport, bool, bool]) -> None:
            from ..screens.wrap import WrapScreen

            self._wrap_partition = key.partition
            self.app.push_screen(WrapScreen(*computed))

        self.app.in_thread(
            compute, offer, group="wrap", exclusive=True, failure="Cannot compute the wrap"
        )

    def save_wrap(self, message: WrapScreen.Save) -> None:
        partition = self._wrap_partition
        if partition is None:
            return
        report, catalog, now = message.report, self.catalog, self.app.clock()

        def write() -> Path:
            from store.atomic_write import write_atomically
            from store.wrap import wrap_path, write_wrap

            database = catalog.partitions[partition].path
            ulid = inert(report.session_ulid)
            gone = SessionError(f"session {ulid} no longer exists in {database.name}; not written")
            with catalog.writer(partition) as store:
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
                    report.session_ulid, milestones.LAST_DAILY_WRAP_AT, format_rfc3339(now)
                )
                if not recorded:  # the session went between the check and the write
                    if previous is None:
                        path.unlink(missing_ok=True)
                    else:
                        write_atomically(path, previous)
                    raise gone
            return path

        self.app.in_thread(
            write,
            lambda path: self.app.notify(f"Wrap written to {path}", markup=False),
            group="wrap-save",
            failure="Cannot write the wrap",
        )

    # ---- export ----------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        key, catalog = self.state.shown_key, self.catalog
        if key is None:
            return
        bookmarks = self.app.bookmarks.marks_for(key)  # read on the UI thread

        def write() -> Path:
            from ..export import export_jsonl, export_markdown
            from ..export_html import export_html

            # The session as the user saw it; the export finds it again by its ULID inside
            # its own read, in a store of its own (a snapshot holds the store's lock).
            session = catalog.store(key.partition).get_session(key.session_id)
            if session is None:
                raise SessionError("the session no longer exists")
            database = catalog.partitions[key.partition].path
            with catalog.reader(key.partition) as store:
                # With the session's name and tags (the browser's own) in the header.
                label = catalog.labels.labels_of(key.partition, [session.ulid]).get(session.ulid)
                if fmt == "html":
                    directory = locations.exports_dir(database)
                    return export_html(store, session, directory, bookmarks=bookmarks, label=label)
                if fmt == "md":
                    return export_markdown(
                        store,
                        session,
                        locations.exports_dir(database),
                        bookmarks=bookmarks,
                        label=label,
                    )
                directory = locations.exports_dir(database)
                return export_jsonl(store, session, directory, bookmarks=bookmarks)

        def written(path: Path) -> None:
            self.app.notify(f"Exported to {path}", markup=False)
            offer_download(self.app, path)  # under `serve`, the browser downloads it too

        self.app.in_thread(write, written, group="export", failure="Cannot export")

    # ---- forks -----------------------------------------------------------------------------

    def forks(self) -> None:
        key, catalog = self.state.shown_key, self.catalog
        if key is None:
            return

        def read() -> ForkNode | None:
            from ..fork_tree import build_fork_tree

            return build_fork_tree(catalog.store(key.partition), key.partition, key.session_id)

        def offer(root: ForkNode | None) -> None:
            from ..screens.forks import ForksScreen

            def chosen(result: SearchResult | None) -> None:
                if result is not None:
                    self.app.opener.open(result.key, result.seq)

            if root is not None:
                self.app.push_screen(ForksScreen(root, key), chosen)

        self.app.in_thread(read, offer, group="forks", exclusive=True, failure="Cannot read forks")

    # ---- delete ----------------------------------------------------------------------------

    def ask_delete(self) -> None:
        from ..screens.confirm import ConfirmScreen

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
                self._delete(key, ulid)

        self.app.push_screen(ConfirmScreen(question, "Delete"), answer)

    def _delete_target(self) -> tuple[SessionKey, str, int | None] | None:
        """(key, ULID, event count if known) of the session ``d`` deletes: the one shown in
        the replay when the replay has focus (what the user is looking at), else the list's
        highlighted row."""
        replay, table = self.app.replay, self.app.table
        timeline = replay.timeline
        if self.app.focused is replay and timeline is not None:
            key = timeline.key
            listed = next((i for i in table.items if i.key == key), None)
            if listed is not None:
                return key, listed.session.ulid, listed.summary.event_count
            count = timeline.count if timeline.kinds is None else None
            return key, timeline.session.ulid, count
        item = table.current_item()
        if item is None:
            return None
        return item.key, item.session.ulid, item.summary.event_count

    def _delete(self, key: SessionKey, ulid: str) -> None:
        catalog = self.catalog

        def delete() -> bool:
            # By the ULID the dialog named, checked inside the write: never a row id, which a
            # restored file or a reused id would give to another session.
            with catalog.writer(key.partition) as store:
                return store.delete_session_by_ulid(ulid)

        self.app.in_thread(
            delete,
            lambda deleted: self._deleted(key, ulid, deleted),
            group="delete",
            failure="Cannot delete",
        )

    def _deleted(self, key: SessionKey, ulid: str, deleted: bool) -> None:
        replay, table = self.app.replay, self.app.table
        # By identity: the row id may be another session's by now (a restored file, an id
        # reused), and the session the dialog named may be listed under another one.
        timeline = replay.timeline
        if key == self.state.shown_key and (timeline is None or timeline.session.ulid == ulid):
            self.state.shown_key = self.state.wanted_key = None
            replay.show(None)
        same = [i for i in table.items if i.key.partition == key.partition]
        table.remove_keys([i.key for i in same if i.session.ulid == ulid])
        name = self.catalog.partitions[key.partition].path.name
        outcome = "deleted." if deleted else f"is no longer in {name}: nothing was deleted."
        self.app.notify(f"Session {inert(ulid)} {outcome}", markup=False)
