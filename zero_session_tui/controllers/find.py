"""Find in the shown session (/, n, N): the next match from the cursor, round the ends with a
notice, and which match of how many ("3 of 17", counted by one bounded query in a worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import SessionKey

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["FIND_COUNT_LIMIT", "FindInSession"]

FIND_COUNT_LIMIT = 10_000
"""Matches counted for "3 of 17": one walk of the session that stops at this many."""


@dataclass(frozen=True, slots=True)
class _Found:
    key: SessionKey
    needle: str
    from_seq: int
    seq: int | None
    wrapped: bool
    forward: bool
    counts: tuple[int, int] | None


class FindInSession:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        # One find at a time, from where the last one landed: n pressed while a find is still
        # running waits for it (else both would start from the same cursor and one press be
        # lost).
        self._running = False
        self._queued: tuple[tuple[str, bool], ...] = ()

    def ask(self) -> None:
        from ..screens.prompt import PromptScreen

        replay = self.app.replay

        def find(answer: str | None) -> None:
            replay.highlight = answer or None
            replay.refresh()
            if answer:
                self.find(answer, forward=True)

        self.app.push_screen(
            PromptScreen("Find in this session", value=replay.highlight or ""), find
        )

    def find(self, needle: str, *, forward: bool) -> None:
        if self._running:
            self._queued = (*self._queued, (needle, forward))
            return
        timeline = self.app.replay.timeline
        seq = self.app.replay.cursor_event_seq()
        if timeline is None or seq is None:
            return
        self._running = True
        key, kinds, catalog = timeline.key, timeline.kinds, self.app.catalog

        def search() -> _Found:
            # Only the kinds shown: a match in a hidden event would move the cursor to the
            # next shown event, which does not contain the needle.
            store = catalog.store(key.partition)
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
            found_seq = found.seq if found is not None else None
            return _Found(key, needle, seq, found_seq, wrapped, forward, counts)

        self.app.in_thread(
            search,
            self._found,
            group="find",
            exclusive=True,
            failure="Cannot search",
            failed=lambda error: self._reset(),
            wanted=lambda found: found.key == self.state.shown_key,
            stale=self._reset,
        )

    def _reset(self) -> None:
        self._running = False
        self._queued = ()

    def _found(self, found: _Found) -> None:
        self._running = False
        self._say(found)
        if self._queued:
            (needle, forward), *rest = self._queued
            self._queued = tuple(rest)
            self.find(needle, forward=forward)

    def _say(self, found: _Found) -> None:
        app, needle, seq = self.app, found.needle, found.seq
        shown = "shown " if self.state.kinds is not None else ""
        if seq is None or found.counts is None:
            app.notify(f"Not found: no {shown}event contains {needle!r}.", markup=False)
            return
        if not app.replay.jump_to_seq(seq):
            app.notify(f"The event at seq {seq} is no longer shown.", markup=False)
            return
        index, total = found.counts
        more = "+" if total >= FIND_COUNT_LIMIT else ""
        where = f"{index:,} of {total:,}{more}" if index else f"past the first {total:,}"
        app.replay.show_find_note(seq, f"{needle!r} {where}")
        if found.wrapped and seq == found.from_seq:
            app.notify(
                f"No more events containing {needle!r}: this is the only one ({where}).",
                markup=False,
            )
        elif found.wrapped:
            end = "start" if found.forward else "end"
            app.notify(f"Wrapped to the {end}: {needle!r} {where}.", markup=False)
