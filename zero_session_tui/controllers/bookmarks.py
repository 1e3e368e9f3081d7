"""Bookmarks and notes on events (m, M, ] and [, b, B), kept in the browser's annotations file.

The file is opened in a worker when the first session is shown; a file that cannot be used
is said once, and bookmarks are then off (the browser goes on). The shown session's
bookmarks are read when it is shown, and drawn as a mark after their seq in the replay."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from store import StoredEvent
from store.annotations import Annotations

from .. import locations
from ..catalog import SessionKey
from ..sanitize import one_line

if TYPE_CHECKING:
    from ..app import ZeroSessionApp
    from ..screens.bookmarks import BookmarkRow

__all__ = ["Bookmarks"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Target:
    """The event under the replay cursor: its database key, session ULID and seq."""

    db: str
    ulid: str
    seq: int


class Bookmarks:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self._file: Annotations | None = None
        self._lock = threading.Lock()
        self._db_keys: dict[int, str] = {}
        self.off: str | None = None
        """Why bookmarks are off (the file cannot be used), once said; None while on."""
        self.shown: tuple[str, str] | None = None
        """(database key, ULID) of the session whose bookmarks ``marks`` holds."""
        self.marks: dict[int, str | None] = {}
        """The shown session's bookmarks: seq -> note."""

    # ---- the file (opened in a worker) -----------------------------------------------------

    def _annotations(self) -> Annotations:
        with self._lock:
            if self._file is None:
                self._file = Annotations.open(locations.annotations_file())
            return self._file

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _failed(self, error: Exception) -> None:
        if self._file is None:  # it did not open: bookmarks are off, said once
            if self.off is None:
                self.off = str(error)
                self.app.notify(
                    f"Bookmarks are off: {error}", severity="warning", markup=False, timeout=10
                )
            return
        self.app.report("Bookmark not saved", error)

    def _run(self, job: Callable[[], T], apply: Callable[[T], object], group: str) -> None:
        self.app.in_thread(job, apply, group=group, failed=self._failed)

    def db_key(self, partition: int) -> str:
        """A database's key in the annotations file: its resolved path (a file replaced at
        that path keeps its bookmarks)."""
        found = self._db_keys.get(partition)
        if found is None:
            path = self.app.catalog.partitions[partition].path
            found = self._db_keys[partition] = locations.annotations_key(path)
        return found

    def _target(self) -> _Target | None:
        replay = self.app.replay
        timeline, seq = replay.timeline, replay.cursor_event_seq()
        if timeline is None or seq is None:
            return None
        return _Target(self.db_key(timeline.key.partition), timeline.session.ulid, seq)

    # ---- the shown session's marks ---------------------------------------------------------

    def follow_shown(self) -> None:
        """The replay changed: read the bookmarks of the session it shows, if new."""
        timeline = self.app.replay.timeline
        if timeline is None or self.off is not None:
            return
        shown = (self.db_key(timeline.key.partition), timeline.session.ulid)
        if shown == self.shown:
            return
        self.shown, self.marks = shown, {}
        self._paint()

        def read() -> dict[int, str | None]:
            return self._annotations().session_bookmarks(*shown)

        def loaded(marks: dict[int, str | None]) -> None:
            if self.shown == shown:
                self.marks = marks
                self._paint()

        self._run(read, loaded, "bookmarks-read")

    def marks_for(self, key: SessionKey) -> dict[int, str | None]:
        """The bookmarks of ``key`` when it is the session shown (for an export)."""
        timeline = self.app.replay.timeline
        return dict(self.marks) if timeline is not None and timeline.key == key else {}

    def _paint(self) -> None:
        replay = self.app.replay
        replay.marked = frozenset(self.marks)
        replay.refresh()
        self.app.timeline_strip.paint()  # the strip marks them too

    # ---- the keys --------------------------------------------------------------------------

    def _usable(self) -> _Target | None:
        if self.off is not None:
            return None
        target = self._target()
        if target is None:
            self.app.notify("No event to bookmark: open a session first.", markup=False)
        return target

    def act(self, what: str) -> None:
        """One of the main screen's bookmark keys: toggle, note, next, previous, list."""
        actions: dict[str, Callable[[], None]] = {
            "toggle": self.toggle,
            "note": self.edit_note,
            "next": lambda: self.step(1),
            "previous": lambda: self.step(-1),
            "list": self.show_all,
            "session": self.show_session,
        }
        actions[what]()

    def toggle(self) -> None:
        target = self._usable()
        if target is None:
            return

        def write() -> bool:
            return self._annotations().toggle(target.db, target.ulid, target.seq)

        def written(now_marked: bool) -> None:
            if self.shown == (target.db, target.ulid):
                if now_marked:
                    self.marks[target.seq] = None
                else:
                    self.marks.pop(target.seq, None)
                self._paint()
            said = "Bookmarked" if now_marked else "Removed the bookmark on"
            self.app.notify(f"{said} seq {target.seq}", markup=False)

        self._run(write, written, "bookmarks-write")

    def edit_note(self) -> None:
        from ..screens.note import NoteScreen

        target = self._usable()
        if target is None:
            return
        current = self.marks.get(target.seq) if self.shown == (target.db, target.ulid) else None

        def answered(text: str | None) -> None:
            if text is None:
                return
            note = text if text.strip() else None

            def write() -> None:
                self._annotations().set_note(target.db, target.ulid, target.seq, note)

            def written(_: None) -> None:
                if self.shown == (target.db, target.ulid):
                    self.marks[target.seq] = note
                    self._paint()
                said = "Note saved on" if note else "Bookmarked, no note, on"
                self.app.notify(f"{said} seq {target.seq}", markup=False)

            self._run(write, written, "bookmarks-write")

        title = f"Note on seq {target.seq} of {target.ulid}"
        self.app.push_screen(NoteScreen(one_line(title, 80)[0], current or ""), answered)

    def step(self, direction: int) -> None:
        """Put the replay cursor on the next (1) or previous (-1) bookmark of the session."""
        replay = self.app.replay
        seq = replay.cursor_event_seq()
        if seq is None or self.off is not None:
            return
        seqs = sorted(self.marks)
        ahead = [s for s in seqs if s > seq] if direction > 0 else [s for s in seqs if s < seq]
        if not ahead:
            where = "after" if direction > 0 else "before"
            self.app.notify(f"No bookmark {where} seq {seq}", markup=False)
            return
        target = ahead[0] if direction > 0 else ahead[-1]
        if not replay.jump_to_seq(target):
            return
        note = (self.marks.get(target) or "").strip().splitlines()
        said = f"bookmark {seqs.index(target) + 1} of {len(seqs)}"
        replay.show_find_note(target, f"{said}: {note[0]}" if note else said)

    # ---- every bookmark (B) ----------------------------------------------------------------

    def show_all(self) -> None:
        if self.off is not None:
            self.app.notify(f"Bookmarks are off: {self.off}", markup=False)
            return
        by_db = {self.db_key(p.index): p.index for p in self.app.catalog.partitions}
        self._run(lambda: self._rows(by_db), self._show_rows, "bookmarks-list")

    def _rows(self, by_db: dict[str, int]) -> list[BookmarkRow]:
        catalog = self.app.catalog
        found: dict[tuple[str, str], SessionKey | None] = {}
        rows: list[BookmarkRow] = []
        for mark in self._annotations().all_bookmarks():
            if (mark.db, mark.ulid) not in found:
                found[(mark.db, mark.ulid)] = self._find(by_db.get(mark.db), mark.ulid)
            key = found[(mark.db, mark.ulid)]
            event, where = None, ""
            if key is not None:
                event = catalog.store(key.partition).event_at(key.session_id, mark.seq)
                where = catalog.partitions[key.partition].label if catalog.multiple else ""
            rows.append(self._row(mark.ulid, mark.seq, mark.note, key, event, where))
        return rows

    @staticmethod
    def _row(
        ulid: str,
        seq: int,
        note: str | None,
        key: SessionKey | None,
        event: StoredEvent | None,
        where: str = "",
    ) -> BookmarkRow:
        from ..screens.bookmarks import BookmarkRow

        shown = ""
        if event is not None:
            # Short, so the note keeps its room in the list: Enter shows the event in full.
            text, cut = one_line(event.text, 40)
            more = "\u2026" if cut else ""
            shown = f"{one_line(event.kind_label, 16)[0]}: {text}{more}"
        return BookmarkRow(ulid, seq, note, key, event.at if event else None, where, shown)

    # ---- the shown session's bookmarks only (b) --------------------------------------------

    def show_session(self) -> None:
        """The shown session's bookmarks, with their events: the session seen through its
        marks only; Enter puts the replay cursor on one."""
        timeline = self.app.replay.timeline
        if self.off is not None:
            self.app.notify(f"Bookmarks are off: {self.off}", markup=False)
            return
        if timeline is None:
            self.app.notify("No session shown: open one first.", markup=False)
            return
        key, ulid, marks = timeline.key, timeline.session.ulid, dict(self.marks)
        catalog = self.app.catalog

        def read() -> list[BookmarkRow]:
            store = catalog.store(key.partition)
            return [
                self._row(ulid, seq, note, key, store.event_at(key.session_id, seq))
                for seq, note in sorted(marks.items())
            ]

        def show(rows: list[BookmarkRow]) -> None:
            from ..screens.bookmarks import BookmarksScreen

            def chosen(row: BookmarkRow | None) -> None:
                if row is not None and self.app.replay.jump_to_seq(row.seq):
                    self.app.replay.focus()

            title = f"Bookmarks in {one_line(ulid, 64)[0]}"
            self.app.push_screen(BookmarksScreen(rows, self.app.tz, title), chosen)

        self._run(read, show, "bookmarks-list")

    def _find(self, partition: int | None, ulid: str) -> SessionKey | None:
        """The session in its own database, else in any open one; None: orphaned."""
        catalog = self.app.catalog
        if partition is not None:
            row = catalog.store(partition).get_session_by_ulid(ulid)
            if row is not None:
                return SessionKey(partition, row.id)
        elsewhere = catalog.find_ulid(ulid)
        return elsewhere[0] if elsewhere is not None else None

    def _show_rows(self, rows: list[BookmarkRow]) -> None:
        from ..screens.bookmarks import BookmarksScreen

        def chosen(row: BookmarkRow | None) -> None:
            if row is None:
                return
            if row.key is None:
                self.app.notify(
                    f"Seq {row.seq} of {row.ulid} is orphaned: its session is in no open database.",
                    markup=False,
                )
                return
            self.app.open_session(row.key, row.seq)
            self.app.table.select_key(row.key.partition, row.key.session_id)
            self.app.replay.focus()

        self.app.push_screen(BookmarksScreen(rows, self.app.tz), chosen)
