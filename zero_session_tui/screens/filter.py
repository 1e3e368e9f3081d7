"""Filter the session list: start dates, CLI version, engine, status, name and tag (the
browser's own labels: ``label_book`` resolves them per database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import ClassVar, Final

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from store import SessionFilter
from store.session_labels import clean_name, parse_tags

from ..formatting import local_date, utc_offset

__all__ = ["FilterScreen", "day_start", "parse_day"]

_STATUSES = (("any", "any"), ("ended", "ended"), ("open (quiet)", "open"), ("live", "live"))


def parse_day(value: str) -> date | None:
    """``YYYY-MM-DD`` as a date; None for an empty value.

    Raises ``ValueError`` with a readable message for anything else."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:20]!r} is not a date (YYYY-MM-DD)") from None


_EPOCH: Final = date(1970, 1, 1)
_UTC_MIN: Final = datetime.min.replace(tzinfo=UTC)
_UTC_MAX: Final = datetime.max.replace(tzinfo=UTC)


def _instant(seconds: int) -> datetime | None:
    """The aware UTC datetime ``seconds`` after the epoch; None outside datetime's range."""
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    except OverflowError:
        return None


def day_start(day: date, tz: tzinfo | None, *, days_later: int = 0) -> datetime | None:
    """The UTC instant at which the local day ``day + days_later`` starts in ``tz`` (None:
    the system's zone); None when that instant is outside ``datetime``'s range (before year
    1 or after 9999 in UTC): no stamp is earlier (later), so it bounds nothing.

    Computed in seconds, so the day after 9999-12-31, or a local midnight east of UTC on
    0001-01-01, never overflows; the zone's offset is taken at that midnight (DST)."""
    wall = ((day - _EPOCH).days + days_later) * 86_400
    offset = 0
    for _ in range(2):  # the offset at the guess, then at the instant it gives
        probe = _instant(wall - offset)
        if probe is None:
            probe = _UTC_MAX if wall > 0 else _UTC_MIN
        offset = int(utc_offset(probe, tz).total_seconds())
    return _instant(wall - offset)


class FilterScreen(ModalScreen[SessionFilter | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: SessionFilter, tz: tzinfo | None) -> None:
        super().__init__()
        self.current = current
        self.tz = tz

    def _day(self, moment: datetime | None, *, before: bool = False) -> str:
        """The local day a bound names: ``before`` is exclusive (the next day's start)."""
        if moment is None:
            return ""
        return local_date(moment - timedelta(microseconds=1) if before else moment, self.tz)

    def compose(self) -> ComposeResult:
        spec = self.current
        with Vertical(id="filter"):
            yield Static(Text("Filter sessions", style="bold"))
            # One line per field (compact widgets, labels beside them): the whole dialog,
            # buttons included, fits an 80x24 terminal.
            with Grid(id="filter-fields"):
                yield Label("started on or after")
                yield Input(
                    self._day(spec.started_from), id="from", placeholder="YYYY-MM-DD", compact=True
                )
                yield Label("started on or before")
                yield Input(
                    self._day(spec.started_before, before=True),
                    id="to",
                    placeholder="YYYY-MM-DD",
                    compact=True,
                )
                yield Label("CLI version contains")
                yield Input(spec.cli_version, id="cli", placeholder="any version", compact=True)
                yield Label("engine URL contains")
                yield Input(spec.engine, id="engine", placeholder="any engine", compact=True)
                yield Label("status")
                yield Select(
                    _STATUSES, value=spec.status, allow_blank=False, id="status", compact=True
                )
                yield Label("name contains")
                yield Input(spec.name, id="name", placeholder="any name", compact=True)
                yield Label("tag")
                yield Input(spec.tag, id="tag", placeholder="any tag", compact=True)
            yield Static("", id="filter-error", markup=False)
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Clear", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()  # this dialog's own keys

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
            first = parse_day(self.query_one("#from", Input).value)
            last = parse_day(self.query_one("#to", Input).value)
        except ValueError as error:
            self.query_one("#filter-error", Static).update(Text(str(error), style="bold red"))
            return
        start = day_start(first, self.tz) if first else None
        end = day_start(last, self.tz, days_later=1) if last else None
        status = self.query_one("#status", Select).value
        self.dismiss(
            SessionFilter(
                started_from=start,
                started_before=end,
                cli_version=self.query_one("#cli", Input).value.strip(),
                engine=self.query_one("#engine", Input).value.strip(),
                status=status if status in ("ended", "open", "live") else "any",
                name=clean_name(self.query_one("#name", Input).value),
                tag=next(iter(parse_tags(self.query_one("#tag", Input).value)), ""),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
