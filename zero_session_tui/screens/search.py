"""Search every session: by ULID, CLI version or engine, and by event text.

Results are sessions and ``session#seq`` hits; Enter opens the session at that event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

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
            update,
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
        value = event.value
        self._debounce = self.set_timer(0.2, lambda: self._search(value))

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
        self.summary = Text("searching\u2026" if needle else "")
        self._refresh_status()
        self._run(needle)

    def _run(self, needle: str) -> None:
        def collect() -> tuple[list[Option | None], dict[str, SearchResult]]:
            options: list[Option | None] = []
            results: dict[str, SearchResult] = {}
            if needle.strip():
                self._collect(needle, options, results)
            return options, results

        run_in_thread(
            self,
            collect,
            lambda found: self._show(needle, *found, None),
            group="search",
            exclusive=True,
            failed=lambda error: self._show(needle, [], {}, describe(error)),
        )

    def _collect(
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
        for partition in self.catalog.partitions:
            for hit in self.catalog.search_events(partition.index, needle, EVENT_HITS):
                ident = f"e{partition.index}:{hit.event.id}"
                key = SessionKey(partition.index, hit.event.session_id)
                results[ident] = SearchResult(key, hit.event.seq)
                text = _snippet(hit.event.text, needle)
                head = f"{inert(short_ulid(hit.session_ulid))}#{hit.event.seq:<7} "
                line = Text(head, style="bold", no_wrap=True, overflow="ellipsis")
                line.append(f"{local_time(hit.event.at, self.tz)}  ", style="dim")
                line.append(f"{inert(hit.event.kind_label):<11} ", style="dim")
                line.append(text)
                line.highlight_words([needle], "reverse", case_sensitive=False)
                options.append(Option(line, id=ident))

    def _show(
        self,
        needle: str,
        options: list[Option | None],
        results: dict[str, SearchResult],
        error: str | None,
    ) -> None:
        if needle != self.query_one(Input).value:
            return  # typed on since
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
            self.summary = Text(f"{found} (newest first)" if results else "nothing found")
        else:
            self.summary = Text("")
        self._refresh_status()
        if self.open_first:
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
