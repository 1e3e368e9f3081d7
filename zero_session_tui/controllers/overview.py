"""The overview of the sessions the list shows: read in a worker (one aggregate statement per
database, ``store.overview``), shown on its screen; a day chosen there filters the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from ..workers import run_in_thread

if TYPE_CHECKING:
    from store.overview import Overview

    from ..app import ZeroSessionApp

# The screen and store.overview are imported where they are used: they are not on the path
# to the first screen.

__all__ = ["SessionOverview"]


class SessionOverview:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        self.catalog = app.catalog

    def show(self) -> None:
        """The overview of the list's sessions (its filter applied): its dialog at once, its
        numbers when the worker has read them (a second on a million events)."""
        from store.overview import merge_overviews, read_overview

        from ..screens.overview import OverviewScreen

        if isinstance(self.app.screen, OverviewScreen):
            return  # O pressed twice: it is up already
        where, tz, catalog = self.state.list_order.where, self.app.tz, self.catalog

        def read() -> Overview:
            return merge_overviews(
                read_overview(
                    catalog.store(partition.index),
                    catalog.labels.resolve(where, partition.index),  # a name or tag filter
                    tz,
                )
                for partition in catalog.partitions
            )

        def chosen(day: date | None) -> None:
            if day is not None:
                self.filter_to(day)

        screen = OverviewScreen(self.app.session_list.filter_note())
        self.app.push_screen(screen, chosen)
        # The dialog's own worker: closed before the read is done, its result is dropped.
        run_in_thread(
            screen,
            read,
            screen.show,
            group="overview",
            failure="Cannot read the overview",
            failed=screen.failed,
        )

    def filter_to(self, day: date) -> None:
        """The list filtered to sessions started on the local ``day`` (its other filters
        kept), as the filter dialog sets it."""
        from ..screens.filter import day_start

        tz = self.app.tz
        where = replace(
            self.state.list_order.where,
            started_from=day_start(day, tz),
            started_before=day_start(day, tz, days_later=1),
        )
        self.state.list_order = replace(self.state.list_order, where=where)
        self.app.session_list.reload()
