"""The first-run welcome: shown once per user, recorded in the browser's own state file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import browser_state

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

__all__ = ["Welcome"]


class Welcome:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app

    def check(self) -> None:
        """Show the welcome unless it was shown before (the state file is read in a worker)."""
        self.app.in_thread(browser_state.welcome_seen, self._seen, group="welcome")

    def _seen(self, seen: bool) -> None:
        from ..screens.welcome import WelcomeScreen

        if not seen:
            self.app.push_screen(WelcomeScreen(), lambda _: self._record())

    def _record(self) -> None:
        self.app.in_thread(
            browser_state.mark_welcome_seen,
            lambda _: None,
            group="welcome",
            failure="Cannot record that the welcome was shown",
        )
