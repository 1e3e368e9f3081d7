"""The overview of the listed sessions: a row per local day (sessions, events, warnings,
alerts, a bar of the events) and the most prompted commands. Enter on a day returns it (the
list is then filtered to it); Esc closes."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Final

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from store.overview import Overview

from ..sanitize import inert

__all__ = ["OverviewScreen", "bar", "spark"]

BAR_WIDTH: Final = 24
LEVELS: Final = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"  # ▁▂▃▄▅▆▇█
EIGHTHS: Final = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"  # partial cells of a bar


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """``value`` of ``largest`` as a horizontal bar ``width`` cells long, to an eighth."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / largest))
    full, part = divmod(eighths, 8)
    return "\u2588" * full + (EIGHTHS[part] if part else "")


def spark(values: list[int]) -> str:
    """One cell per value, its height (▁ to █) proportional to the largest."""
    largest = max(values, default=0)
    if largest <= 0:
        return ""
    return "".join(
        LEVELS[min(len(LEVELS) - 1, value * len(LEVELS) // (largest + 1))] if value else " "
        for value in values
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


class OverviewScreen(ModalScreen[date | None]):
    DEFAULT_CSS = """
    OverviewScreen { align: center middle; }
    #overview {
        width: 90; max-width: 95%; height: 85%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #overview-days { height: 1fr; }
    #overview-commands { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,O", "dismiss", "Close"),
        # priority: before the table's own Enter (hidden), so the footer names it
        Binding("enter", "choose", "Filter list to day", priority=True),
    ]

    def __init__(self, note: str, overview: Overview | None = None) -> None:
        super().__init__()
        self.overview = overview
        """None until the read (in the controller's worker) has arrived: ``show``."""
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="overview"):
            yield Static(self._heading(), id="overview-heading")
            yield Static(id="overview-spark")
            yield DataTable(id="overview-days", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Top prompted commands", style="bold"))
            yield Static(id="overview-commands")
        yield Footer()  # this dialog's own keys

    def _heading(self, trouble: str = "") -> Text:
        heading = Text("Overview", style="bold")
        overview = self.overview
        if trouble:
            heading.append(f"  {trouble}", style=self._colour("error"))
        elif overview is None:
            heading.append("  reading\u2026", style="dim")
        else:
            sessions = sum(day.sessions for day in overview.days)
            days = len(overview.days)
            heading.append(f"  {_count(sessions, 'session')} on {_count(days, 'day')}")
        heading.append(f"  ({self.note})" if self.note else "  (every session listed)")
        return heading

    def _activity(self, overview: Overview) -> Text:
        values = [day.events for day in overview.days]
        line = Text("events by day  ", style="dim")
        line.append(spark(values), style=self._colour("accent"))
        return line

    def _colour(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    def _commands(self, overview: Overview) -> Table:
        table = Table(box=None, min_width=40)
        table.add_column("command", no_wrap=True)
        table.add_column("count", justify="right")
        for command in overview.top():
            table.add_row(Text(inert(command.command)), Text(f"{command.count:,}"))
        if not overview.commands:
            table.add_row(Text("none", style="dim"), Text(""))
        return table

    def on_mount(self) -> None:
        table: DataTable[Text | str] = self.query_one(DataTable)
        table.add_column("day", key="day")
        for name in ("sessions", "events", "warn", "alert"):
            table.add_column(name, key=name)
        table.add_column("", key="bar")
        table.focus()
        # Up at once, saying it is reading (the heading); not ``loading``: a loading widget
        # gives its focus up, and the footer's keys would come back in another order.
        if self.overview is not None:
            self.show(self.overview)

    def show(self, overview: Overview) -> None:
        """The overview read: the days, the activity line and the commands filled in."""
        self.overview = overview
        self.query_one("#overview-heading", Static).update(self._heading())
        self.query_one("#overview-spark", Static).update(self._activity(overview))
        self.query_one("#overview-commands", Static).update(self._commands(overview))
        table: DataTable[Text | str] = self.query_one(DataTable)
        largest = max((day.events for day in overview.days), default=0)
        warn, alert, accent = (self._colour(c) for c in ("warning", "error", "accent"))
        for day in overview.days:
            table.add_row(
                day.day.isoformat(),
                Text(f"{day.sessions:,}", justify="right"),
                Text(f"{day.events:,}", justify="right"),
                Text(f"{day.warn:,}", justify="right", style=warn if day.warn else "dim"),
                Text(f"{day.alert:,}", justify="right", style=alert if day.alert else "dim"),
                Text(bar(day.events, largest), style=accent),
                key=day.day.isoformat(),
            )
        if overview.days:
            table.move_cursor(row=len(overview.days) - 1)  # the latest day

    def failed(self, error: Exception) -> None:
        """The read failed (reported as a notice too): said in the dialog, nothing listed."""
        self.query_one("#overview-heading", Static).update(
            self._heading("cannot be read (see the notice)")
        )

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()  # a click on the highlighted row: as Enter
        self.action_choose()

    def action_choose(self) -> None:
        """The day under the cursor (nothing when there is no day)."""
        days = self.overview.days if self.overview is not None else ()
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(days):
            self.dismiss(days[row].day)
