"""Find in the shown session (/, n, N): the next match from the cursor, round the ends with a
notice, and which match of how many ("3 of 17", counted by one bounded query in a worker)."""

from __future__ import annotations

from textual import work

from .app_base import AppBase
from .catalog import SessionKey
from .widgets.replay import ReplayView

__all__ = ["FIND_COUNT_LIMIT", "FindMixin"]

FIND_COUNT_LIMIT = 10_000
"""Matches counted for "3 of 17": one walk of the session that stops at this many."""


class FindMixin(AppBase):
    def _ask_find(self) -> None:
        from .screens.prompt import PromptScreen

        def find(answer: str | None) -> None:
            self.replay.highlight = answer or None
            self.replay.refresh()
            if answer:
                self._find(answer, forward=True)

        self.push_screen(
            PromptScreen("Find in this session", value=self.replay.highlight or ""), find
        )

    def on_replay_view_find(self, message: ReplayView.Find) -> None:
        self._find(message.needle, forward=message.forward)

    # One find at a time, from where the last one landed: n pressed while a find is still
    # running waits for it (else both would start from the same cursor and one press be lost).
    _find_running: bool = False
    _find_queued: tuple[tuple[str, bool], ...] = ()

    def _find(self, needle: str, *, forward: bool) -> None:
        if self._find_running:
            self._find_queued = (*self._find_queued, (needle, forward))
            return
        timeline = self.replay.timeline
        seq = self.replay.cursor_event_seq()
        if timeline is not None and seq is not None:
            self._find_running = True
            self._find_worker(timeline.key, needle, seq, forward, timeline.kinds)

    def _find_done(self) -> None:
        self._find_running = False
        if self._find_queued:
            (needle, forward), *rest = self._find_queued
            self._find_queued = tuple(rest)
            self._find(needle, forward=forward)

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def _find_worker(
        self,
        key: SessionKey,
        needle: str,
        seq: int,
        forward: bool,
        kinds: frozenset[str] | None = None,
    ) -> None:
        try:
            # Only the kinds shown: a match in a hidden event would move the cursor to the
            # next shown event, which does not contain the needle.
            store = self.catalog.store(key.partition)
            found = store.find_event(key.session_id, needle, seq, forward=forward, kinds=kinds)
            wrapped = found is None
            if found is None:  # past the last (first) match: from the other end
                start = -(2**64) if forward else 2**64  # beyond every 64-bit seq
                found = store.find_event(
                    key.session_id, needle, start, forward=forward, kinds=kinds
                )
            counts = None
            if found is not None:
                counts = store.count_matches(
                    key.session_id, needle, found.seq, kinds=kinds, limit=FIND_COUNT_LIMIT
                )
        except Exception as error:
            self.call_from_thread(self.report, "Cannot search", error)
            self.call_from_thread(self._find_failed)
            return
        found_seq = found.seq if found is not None else None
        self.call_from_thread(
            self._found_event, key, needle, seq, found_seq, wrapped, forward, counts
        )

    def _found_event(
        self,
        key: SessionKey,
        needle: str,
        from_seq: int,
        seq: int | None,
        wrapped: bool,
        forward: bool,
        counts: tuple[int, int] | None,
    ) -> None:
        self._find_running = False
        if not self.ui_alive or key != self.shown_key:
            self._find_queued = ()
            return
        self._say_found(key, needle, from_seq, seq, wrapped, forward, counts)
        self._find_done()

    def _find_failed(self) -> None:
        self._find_running = False
        self._find_queued = ()

    def _say_found(
        self,
        key: SessionKey,
        needle: str,
        from_seq: int,
        seq: int | None,
        wrapped: bool,
        forward: bool,
        counts: tuple[int, int] | None,
    ) -> None:
        shown = "shown " if self.kinds is not None else ""
        if seq is None or counts is None:
            self.notify(f"Not found: no {shown}event contains {needle!r}.", markup=False)
            return
        if not self.replay.jump_to_seq(seq):
            self.notify(f"The event at seq {seq} is no longer shown.", markup=False)
            return
        index, total = counts
        more = "+" if total >= FIND_COUNT_LIMIT else ""
        where = f"{index:,} of {total:,}{more}" if index else f"past the first {total:,}"
        self.replay.show_find_note(seq, f"{needle!r} {where}")
        if wrapped and seq == from_seq:
            self.notify(
                f"No more events containing {needle!r}: this is the only one ({where}).",
                markup=False,
            )
        elif wrapped:
            end = "start" if forward else "end"
            self.notify(f"Wrapped to the {end}: {needle!r} {where}.", markup=False)
