"""Search every session: by ULID, CLI version or engine, and by event text.

Results are sessions and ``session#seq`` hits; Enter opens the session at that event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store import SearchHit
from store.search_index import MIN_NEEDLE

from ..background import run_lowered
from ..catalog import Catalog, SessionKey, describe
from ..formatting import local_time, plural, short_ulid
from ..label_search import label_hits
from ..sanitize import inert, one_line
from ..workers import run_in_thread

__all__ = ["SearchResult", "SearchScreen"]


def _noun(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


SESSION_HITS = 20
EVENT_HITS = 50
DEBOUNCE = 0.03
"""Seconds of quiet after a key before its search runs, while keys come faster than that; a
key after a pause searches at once (the leading edge), once the text has ``MIN_NEEDLE``
characters (shorter needles have no trigram: a scan, rarely what is wanted)."""
PARTIAL_EVERY = 0.1
"""Seconds between updates of a search's results while it still streams hits."""


def _snippet(text: str, needle: str, before: int = 30, width: int = 160) -> str:
    """One inert line of ``text`` around the first match of ``needle``."""
    at = text.casefold().find(needle.casefold())
    start = max(0, at - before) if at > before else 0
    line, _ = one_line(text[start : start + width], width)
    return ("\u2026" if start else "") + line


@dataclass(frozen=True, slots=True)
class SearchResult:
    key: SessionKey
    seq: int | None


Found = tuple[list[Option | None], dict[str, SearchResult]]


class SearchScreen(ModalScreen[SearchResult | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, catalog: Catalog, query: str = "", tz: tzinfo | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.initial = query
        self.tz = tz
        self.results: dict[str, SearchResult] = {}
        self.order: list[str] = []
        self.shown_needle: str | None = None
        self.open_first = False
        """Enter was pressed before the results for the typed text arrived: open the first."""
        self.summary = Text("")
        self.index_note = ""
        self._debounce: Timer | None = None
        self._last_key = 0.0
        self.searching = False
        """A search runs whose results are not all shown yet (some may be)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="search"):
            yield Input(
                value=self.initial,
                placeholder="ULID, version, engine, or text in any event",
                id="search-input",
            )
            yield Static("", id="search-status", markup=False)
            yield OptionList(id="search-results")
        yield Footer()  # this dialog's own keys

    def on_mount(self) -> None:
        if self.initial:
            self._search(self.initial)
        self._index()

    def _index(self) -> None:
        """Bring the full-text index up to date; searches stay complete meanwhile (what is
        not indexed yet is scanned), only slower."""
        catalog, app = self.catalog, self.app
        partitions = catalog.partitions

        def update() -> None:
            position = 0

            def progress(done: int, newest: int) -> None:  # said while it runs
                share = (position + done / max(newest, 1)) / len(partitions)
                app.call_from_thread(self._index_note, f"indexing text: {share:.0%}")

            for position, partition in enumerate(partitions):  # noqa: B007 - read by progress
                catalog.update_index(partition.index, progress)

        run_in_thread(
            self,
            lambda: run_lowered(update, "search-index"),  # a search meanwhile: cores first
            lambda _: self._index_note(""),
            group="search-index",
            failed=lambda error: self._index_note(f"no search index: {describe(error)}"),
        )

    def _index_note(self, note: str) -> None:
        self.index_note = note
        self._refresh_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        value = event.value
        now = monotonic()
        quiet = now - self._last_key >= DEBOUNCE and len(value) >= MIN_NEEDLE
        self._last_key = now
        if quiet:
            self._search(value)  # the first key after a pause searches at once
        else:  # keys in a burst (typing on, a paste): the last one's text, once quiet
            self._debounce = self.set_timer(DEBOUNCE, lambda: self._search(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """One Enter opens the first hit, even when typed before the results arrived."""
        event.stop()
        if not event.value.strip():
            return
        if self.shown_needle == event.value:
            self._open_first()
            return
        if self._debounce is not None:
            self._debounce.stop()
        self.open_first = True
        self._search(event.value)

    def _open_first(self) -> None:
        self.open_first = False
        if self.order:
            self.dismiss(self.results[self.order[0]])

    def action_results(self) -> None:
        results = self.query_one(OptionList)
        results.focus()
        # Down from the input lands on the first hit: with nothing highlighted, Enter did nothing.
        if results.highlighted is None and results.option_count:
            results.highlighted = 0

    def _search(self, needle: str) -> None:
        self.searching = bool(needle.strip())
        self.summary = Text("searching\u2026" if needle else "")
        self._refresh_status()
        self._run(needle)

    def _run(self, needle: str) -> None:
        """Search in a worker that shows the hits as they come (a scan of what the index
        does not cover yet finds them newest first), at most every ``PARTIAL_EVERY``; a
        newer search cancels it (exclusive), and it stops at its next batch."""
        app = self.app

        def collect() -> Found | None:
            options: list[Option | None] = []
            results: dict[str, SearchResult] = {}
            if not needle.strip():
                return options, results
            worker = get_current_worker()
            self._collect_sessions(needle, options, results)
            shown = 0.0
            for partition in self.catalog.partitions:
                found: list[SearchHit] = []
                stream = self.catalog.stream_events(partition.index, needle, EVENT_HITS)
                try:
                    for hits in stream:
                        if worker.is_cancelled:
                            return None
                        found.extend(hits)
                        if hits and monotonic() - shown >= PARTIAL_EVERY:
                            shown = monotonic()
                            partial = self._with_hits(
                                partition.index, needle, found, options, results
                            )
                            app.call_from_thread(self._show, needle, *partial, None, True)
                finally:
                    stream.close()
                options, results = self._with_hits(partition.index, needle, found, options, results)
            return options, results

        run_in_thread(
            self,
            collect,
            lambda found: self._show(needle, *found, None) if found is not None else None,
            group="search",
            exclusive=True,
            failed=lambda error: self._show(needle, [], {}, describe(error)),
        )

    def _collect_sessions(
        self, needle: str, options: list[Option | None], results: dict[str, SearchResult]
    ) -> None:
        for named in label_hits(self.catalog, needle, self.tz):  # names and tags first
            if named.key is not None:
                results[named.ident] = SearchResult(named.key, None)
            options.append(Option(named.line, id=named.ident, disabled=named.key is None))
        label = self.catalog.multiple
        for partition in self.catalog.partitions:
            store = self.catalog.store(partition.index)
            for summary in store.search_sessions(needle, SESSION_HITS):
                ident = f"s{partition.index}:{summary.session.id}"
                results[ident] = SearchResult(SessionKey(partition.index, summary.session.id), None)
                line = Text(f"session  {inert(summary.session.ulid)}", style="bold")
                started = local_time(summary.session.started_at, self.tz)
                line.append(
                    f"  {started}  {inert(summary.session.cli_version)}"
                    f"  {plural(summary.event_count, 'event')}"
                )
                if label:
                    line.append(f"  [{inert(partition.label)}]", style="dim")
                options.append(Option(line, id=ident))

    def _with_hits(
        self,
        partition: int,
        needle: str,
        hits: list[SearchHit],
        options: list[Option | None],
        results: dict[str, SearchResult],
    ) -> Found:
        """Copies of ``options`` and ``results`` with ``partition``'s event ``hits`` added,
        newest first (a stream's later batch may hold newer hits), at most ``EVENT_HITS``."""
        options, results = list(options), dict(results)
        newest = sorted({hit.event.id: hit for hit in hits}.items(), reverse=True)
        for event_id, hit in newest[:EVENT_HITS]:
            ident = f"e{partition}:{event_id}"
            key = SessionKey(partition, hit.event.session_id)
            results[ident] = SearchResult(key, hit.event.seq)
            options.append(Option(self._hit_line(hit, needle), id=ident))
        return options, results

    def _hit_line(self, hit: SearchHit, needle: str) -> Text:
        text = _snippet(hit.event.text, needle)
        head = f"{inert(short_ulid(hit.session_ulid))}#{hit.event.seq:<7} "
        line = Text(head, style="bold", no_wrap=True, overflow="ellipsis")
        line.append(f"{local_time(hit.event.at, self.tz)}  ", style="dim")
        line.append(f"{inert(hit.event.kind_label):<11} ", style="dim")
        line.append(text)
        line.highlight_words([needle], "reverse", case_sensitive=False)
        return line

    def _show(
        self,
        needle: str,
        options: list[Option | None],
        results: dict[str, SearchResult],
        error: str | None,
        partial: bool = False,
    ) -> None:
        """Show a search's results: all of them, or (``partial``) those found so far."""
        if needle != self.query_one(Input).value:
            return  # typed on since
        if partial and not self.searching:
            return  # the complete results were shown already
        self.searching = partial
        self.results = results
        self.order = [option.id for option in options if option is not None and option.id]
        self.order = [ident for ident in self.order if ident in results]  # not orphans
        self.shown_needle = needle
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([option for option in options if option is not None])
        if error:
            self.summary = Text(error, style="bold red")
        elif needle.strip():
            sessions = sum(1 for ident in results if ident[0] in "sn")  # n: names, tags
            hits = len(results) - sessions
            more = "+" if hits >= EVENT_HITS * len(self.catalog.partitions) else ""
            found = f"{plural(sessions, 'session')}, {hits:,}{more} {_noun(hits, 'event')}"
            if partial:
                self.summary = Text(f"{found} so far (newest first), searching\u2026")
            else:
                self.summary = Text(f"{found} (newest first)" if results else "nothing found")
        else:
            self.summary = Text("")
        self._refresh_status()
        if self.open_first and not partial:
            self._open_first()

    def _refresh_status(self) -> None:
        line = self.summary.copy()
        if self.index_note:
            line.append(f"   {self.index_note}", style="dim")
        self.query_one("#search-status", Static).update(line)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        ident = event.option.id
        if ident is not None and ident in self.results:
            self.dismiss(self.results[ident])

    def action_cancel(self) -> None:
        self.dismiss(None)
