"""Timed replay: how long to wait before showing the next event. Pure: no clock, no timers.

The replay pane asks ``delay(previous, next)`` and schedules through an injected scheduler, so
tests drive timing without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

__all__ = ["MAX_BATCH", "SPEEDS", "PlayState"]

SPEEDS: Final[tuple[float | None, ...]] = (1.0, 2.0, 5.0, 10.0, None)
"""Replay speeds; None is "max": events as fast as the screen takes them."""

MAX_BATCH: Final = 40
"""At max speed, events shown per frame."""

FRAME: Final = 1 / 30


@dataclass(frozen=True, slots=True)
class PlayState:
    playing: bool = False
    speed_index: int = 0
    idle_cap: float = 2.0
    auto_pause: bool = False

    @property
    def speed(self) -> float | None:
        return SPEEDS[self.speed_index]

    @property
    def speed_label(self) -> str:
        speed = self.speed
        return "max" if speed is None else f"{speed:g}x"

    def faster(self) -> PlayState:
        return replace(self, speed_index=min(self.speed_index + 1, len(SPEEDS) - 1))

    def slower(self) -> PlayState:
        return replace(self, speed_index=max(self.speed_index - 1, 0))

    def toggled(self) -> PlayState:
        return replace(self, playing=not self.playing)

    def paused(self) -> PlayState:
        return replace(self, playing=False)

    def delay(self, previous: datetime | None, following: datetime | None) -> float:
        """Seconds to wait between two events: their real gap, idle gaps capped at
        ``idle_cap``, divided by the speed. Unknown or backwards times count as no gap."""
        speed = self.speed
        if speed is None:
            return FRAME
        gap = 0.0
        if previous is not None and following is not None:
            gap = max(0.0, (following - previous).total_seconds())
        return min(gap, self.idle_cap) / speed

    def batch(self) -> int:
        """Events to show per step: one, or a frame's worth at max speed."""
        return MAX_BATCH if self.speed is None else 1
