"""The overview of the sessions the list shows: read in a worker (one aggregate statement per
database, ``store.overview``), shown on its screen; a day chosen there filters the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from store import SessionFilter
from store.overview import Overview, merge_overviews, read_overview

if TYPE_CHECKING:
    from ..app import ZeroSessionApp

# The screen is imported where it is pushed: it is not on the path to the first screen.

__all__ = ["SessionOverview"]


class SessionOverview:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        self.catalog = app.catalog

    def show(self) -> None:
        """Read the overview of the list's sessions (its filter applied), then show it."""
        where, tz, catalog = self.state.list_order.where, self.app.tz, self.catalog
        note = self.app.session_list.filter_note()

        def read() -> Overview:
            return merge_overviews(
                read_overview(
                    catalog.store(partition.index),
                    catalog.labels.resolve(where, partition.index),  # a name or tag filter
                    tz,
                )
                for partition in catalog.partitions
            )

        self.app.in_thread(
            read,
            lambda overview: self._shown(overview, where, note),
            group="overview",
            exclusive=True,
            failure="Cannot read the overview",
            # the list's filter changed meanwhile: this overview is of other sessions
            wanted=lambda _: self.state.list_order.where == where,
        )

    def _shown(self, overview: Overview, where: SessionFilter, note: str) -> None:
        from ..screens.overview import OverviewScreen

        if isinstance(self.app.screen, OverviewScreen):
            return  # O pressed twice: the first read's overview is up already

        def chosen(day: date | None) -> None:
            if day is not None:
                self.filter_to(day)

        self.app.push_screen(OverviewScreen(overview, note), chosen)

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
