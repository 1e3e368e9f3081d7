"""Which session goes beside this one: the most recent sessions, newest first, paged.

Pages come from the catalog's own pager (keyset pages of the list, 50 at a time), read in a
worker; the next page is read when the cursor nears the end of what is listed. Enter puts
the highlighted session beside; ``m`` marks this session instead, to pick the other one in
the list itself (its filter, sort and search), where ``V`` opens the two."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import ClassVar, Final

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..catalog import SessionItem, SessionKey, SessionPager
from ..formatting import local_time, plural, short_ulid
from ..sanitize import one_line
from ..workers import run_in_thread

__all__ = ["Picked", "SessionPickerScreen"]

MORE_WHEN: Final = 10
"""Read the next page when the cursor is this close to the last session listed."""


@dataclass(frozen=True, slots=True)
class Picked:
    """The session chosen (``key``), or None: mark the first one and pick in the list."""

    key: SessionKey | None


class SessionPickerScreen(ModalScreen[Picked | None]):
    DEFAULT_CSS = """
    SessionPickerScreen { align: center middle; }
    #picker {
        width: 100; max-width: 95%; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #picker-sessions { height: 1fr; }
    #picker-hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel"),
        Binding("m", "mark", "Mark, pick in the list"),
    ]

    def __init__(self, pager: SessionPager, key: SessionKey, ulid: str, tz: tzinfo | None) -> None:
        super().__init__()
        self.pager = pager
        self.key = key
        self.ulid = ulid
        self.tz = tz
        self.items: list[SessionItem] = []
        self.loading = False

    def compose(self) -> ComposeResult:
        heading = Text("Beside ", style="bold")
        heading.append(one_line(self.ulid, 64)[0])
        heading.append(": which session?", style="bold")
        with Vertical(id="picker"):
            yield Static(heading, id="picker-heading")
            yield OptionList(id="picker-sessions")
            yield Static(
                "Enter puts it beside \u00b7 m marks this session: find the other in the "
                "list, V there opens both",
                id="picker-hint",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._more()

    def _more(self) -> None:
        if self.loading or self.pager.exhausted:
            return
        self.loading = True
        pager = self.pager
        run_in_thread(
            self,
            pager.next_page,
            self._add,
            group="picker-pages",
            failure="Cannot list the sessions",
            failed=lambda _: setattr(self, "loading", False),
        )

    def _add(self, page: list[SessionItem]) -> None:
        self.loading = False
        listing = self.query_one(OptionList)
        kept = [item for item in page if item.key != self.key]
        self.items.extend(kept)
        listing.add_options(Option(self._label(item)) for item in kept)
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0
        if not kept and not self.pager.exhausted:
            self._more()  # a page of only this session: read on

    def _label(self, item: SessionItem) -> Text:
        session = item.session
        label = Text(local_time(session.started_at, self.tz), style="bold")
        label.append(f"  {short_ulid(one_line(session.ulid, 64)[0])}")
        label.append(f"  {plural(item.summary.event_count, 'event'):>13}", style="dim")
        if session.parent_ulid is not None:
            label.append("  \u2442 fork", style="italic")
        if item.label.name:  # as the list shows it: the name in place of the first prompt
            label.append(f"  {one_line(item.label.name, 80)[0]}", style="bold")
        elif item.first_prompt:
            label.append(f"  {one_line(item.first_prompt, 80)[0]}")
        if item.label.tags:
            tags = " ".join(f"#{tag}" for tag in item.label.tags)
            label.append(f"  {one_line(tags, 80)[0]}", style="dim")
        return label

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index >= len(self.items) - MORE_WHEN:
            self._more()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.dismiss(Picked(self.items[event.option_index].key))

    def action_mark(self) -> None:
        self.dismiss(Picked(None))

    def action_cancel(self) -> None:
        self.dismiss(None)
