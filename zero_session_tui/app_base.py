"""What every part of the app shares: the catalog, the clock, the widgets, error reporting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from textual.app import App

from .catalog import Catalog, SessionKey, describe
from .screens.main import MainScreen
from .widgets.replay import ReplayView
from .widgets.replay_bar import ReplayBar
from .widgets.session_table import SessionTable

__all__ = ["AppBase"]


class AppBase(App[None]):
    """State and plumbing; the features live in the mixins that build ``ZeroSessionApp``."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.clock = clock
        self.tz = tz
        self.shown_key: SessionKey | None = None
        self.wanted_key: SessionKey | None = None
        self.kinds: frozenset[str] | None = None
        self.main = MainScreen(catalog, clock, tz)

    def get_default_screen(self) -> MainScreen:
        return self.main

    @property
    def ui_alive(self) -> bool:
        """False once the main screen's widgets are gone (the app is closing): results that
        arrive from workers then have nowhere to go and are dropped."""
        return bool(self.main.query(ReplayBar))

    @property
    def table(self) -> SessionTable:
        return self.main.table

    @property
    def replay(self) -> ReplayView:
        return self.main.replay

    @property
    def bar(self) -> ReplayBar:
        return self.main.bar

    def open_session(self, key: SessionKey, seq: int | None = None, quiet: bool = False) -> None:
        """Open ``key`` in the replay pane (at ``seq`` when given); defined by the app."""
        raise NotImplementedError

    def action_reload(self) -> None:
        self.reload_sessions()

    def reload_sessions(self) -> None:
        """Read the session list again from the top; defined by the app."""
        raise NotImplementedError

    def report(self, title: str, error: Exception) -> None:
        self.notify(describe(error), title=title, severity="error", markup=False, timeout=8)
