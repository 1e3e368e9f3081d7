"""Filter the session list: start dates, CLI version, engine, status."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from store import SessionFilter

__all__ = ["FilterScreen", "parse_day"]

_STATUSES = (("any", "any"), ("ended", "ended"), ("open (quiet)", "open"), ("live", "live"))


def parse_day(value: str, tz: tzinfo | None) -> datetime | None:
    """``YYYY-MM-DD`` as the start of that local day; None for an empty value.

    Raises ``ValueError`` with a readable message for anything else."""
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:20]!r} is not a date (YYYY-MM-DD)") from None
    if tz is None:
        return datetime.combine(day, time()).astimezone()  # the local time zone
    return datetime.combine(day, time(), tzinfo=tz)


class FilterScreen(ModalScreen[SessionFilter | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: SessionFilter, tz: tzinfo | None) -> None:
        super().__init__()
        self.current = current
        self.tz = tz

    def _day(self, moment: datetime | None, *, before: bool = False) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(self.tz)
        return (local - timedelta(days=1) if before else local).date().isoformat()

    def compose(self) -> ComposeResult:
        spec = self.current
        with Vertical(id="filter"):
            yield Static(Text("Filter sessions", style="bold"))
            yield Label("started on or after (YYYY-MM-DD)")
            yield Input(self._day(spec.started_from), id="from", placeholder="any day")
            yield Label("started on or before (YYYY-MM-DD)")
            yield Input(self._day(spec.started_before, before=True), id="to", placeholder="any day")
            yield Label("CLI version contains")
            yield Input(spec.cli_version, id="cli", placeholder="any version")
            yield Label("engine URL contains")
            yield Input(spec.engine, id="engine", placeholder="any engine")
            yield Label("status")
            yield Select(_STATUSES, value=spec.status, allow_blank=False, id="status")
            yield Static("", id="filter-error", markup=False)
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self._apply()
        elif event.button.id == "clear":
            self.dismiss(SessionFilter())
        else:
            self.dismiss(None)

    def _apply(self) -> None:
        try:
            start = parse_day(self.query_one("#from", Input).value, self.tz)
            end = parse_day(self.query_one("#to", Input).value, self.tz)
        except ValueError as error:
            self.query_one("#filter-error", Static).update(Text(str(error), style="bold red"))
            return
        status = self.query_one("#status", Select).value
        self.dismiss(
            SessionFilter(
                started_from=start,
                started_before=end + timedelta(days=1) if end else None,
                cli_version=self.query_one("#cli", Input).value.strip(),
                engine=self.query_one("#engine", Input).value.strip(),
                status=status if status in ("ended", "open", "live") else "any",
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
