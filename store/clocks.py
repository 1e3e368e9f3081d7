"""A settable clock to pass as ``Store.open(path, clock=...)``: for the demo, tests and bench.

``Store.append_many`` stamps each event with one call of the clock, in order, so moments
``queue``d give each event of a batch its own time; with nothing queued a call says ``now``
and then moves ``now`` on by ``step`` (zero: a clock that stands still until set).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

__all__ = ["SettableClock"]


class SettableClock:
    """A clock that says what it is told: ``set``, ``advance``, ``queue``, or a fixed ``step``
    after each call."""

    def __init__(self, start: datetime, step: timedelta = timedelta(0)) -> None:
        self.now = start
        self.step = step
        self.queued: deque[datetime] = deque()

    def __call__(self) -> datetime:
        if self.queued:
            return self.queued.popleft()
        value = self.now
        self.now += self.step
        return value

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, by: timedelta | float) -> None:
        """Move ``now`` on by ``by`` (a float: seconds)."""
        self.now += by if isinstance(by, timedelta) else timedelta(seconds=by)

    def queue(self, moments: Iterable[datetime]) -> None:
        self.queued.extend(moments)
