"""A session's wrap report, computed by ``store.wrap``; ``s`` writes it."""

from __future__ import annotations

from dataclasses import asdict
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from store.wrap import MIN_WRAP_DURATION, WrapReport

from ..formatting import duration
from ..sanitize import inert

__all__ = ["WrapScreen"]


class WrapScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w", "dismiss", "Close"),
        Binding("s", "save", "Write wrap"),
    ]

    class Save(Message):
        def __init__(self, report: WrapReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, report: WrapReport, qualifies: bool, live: bool) -> None:
        super().__init__()
        self.report = report
        self.qualifies = qualifies
        self.live = live

    def compose(self) -> ComposeResult:
        report = self.report
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        end_note = " (now: the session is still open)" if self.live else ""
        rows = [
            ("session", inert(report.session_ulid)),
            ("started", report.started_at.isoformat()),
            ("ended", report.ended_at.isoformat() + end_note),
            (
                "duration",
                f"{duration(report.ended_at - report.started_at)} ({report.duration_secs:,} s)",
            ),
            ("events", f"{report.total_events:,}"),
        ]
        for name, value in rows:
            table.add_row(Text(name), Text(value))
        for kind, count in asdict(report.event_counts).items():
            table.add_row(Text(f"  {kind}"), Text(f"{count:,}"))
        commands = ", ".join(f"{inert(c.command)} \u00d7{c.count}" for c in report.top_commands)
        table.add_row(Text("top commands"), Text(commands or "none"))
        hours = MIN_WRAP_DURATION.total_seconds() / 3600
        verdict = (
            Text("qualifies for a wrap", style="bold green")
            if self.qualifies
            else Text(
                f"does not qualify: a wrap needs at least {hours:g} h and one prompt",
                style="bold yellow",
            )
        )
        with VerticalScroll(id="wrap"):
            yield Static(Text("Wrap report", style="bold"))
            yield Static(table)
            yield Static(verdict)
            yield Static("s writes it as JSON \u00b7 Esc closes", markup=False)
        yield Footer()  # this dialog's own keys

    def action_save(self) -> None:
        self.post_message(self.Save(self.report))
