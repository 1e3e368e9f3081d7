"""One event in full: every line of its text, inert, in pages of 64 KiB."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store import StoredEvent

from ..formatting import clock_offset, local_time
from ..sanitize import DETAIL_CAP, capped, inert

__all__ = ["EventDetailScreen"]


class EventDetailScreen(ModalScreen[None]):
    """The full text of one event (shown inert; very long text a page at a time)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss", "Close"),
        Binding("m", "more", "Show more"),
    ]

    def __init__(
        self, ulid: str, event: StoredEvent, origin: datetime | None, tz: tzinfo | None
    ) -> None:
        super().__init__()
        self.ulid = ulid
        self.event = event
        self.origin = origin
        self.tz = tz
        self.shown = DETAIL_CAP

    def compose(self) -> ComposeResult:
        event = self.event
        offset = clock_offset(event.at, self.origin)
        header = Text.assemble(
            (f"{inert(self.ulid)}#{event.seq}", "bold"),
            f"  {local_time(event.at, self.tz, seconds=True)}  ({offset})  ",
            (inert(event.kind_label), "bold"),
            f"  {len(event.text):,} characters",
        )
        with VerticalScroll(id="detail"):
            yield Static(header, id="detail-header")
            yield Static(self._body(), id="detail-body")

    def _body(self) -> Text:
        text, rest = capped(self.event.text, self.shown)
        body = Text(text, end="")
        if rest:
            body.append(f"\n\u2026 {rest:,} more characters (m shows more)", style="italic")
        return body

    def action_more(self) -> None:
        if self.shown < len(self.event.text):
            self.shown += DETAIL_CAP
            self.query_one("#detail-body", Static).update(self._body())
