"""The follow's own log, for the live-tail benchmark: ``ZERO_SESSION_TUI_FOLLOW_LOG=PATH``.

One line per poll applied (``poll MONOTONIC MS``: the time its reads took in the worker), one
per growth of the shown rows (``grew FIRST LAST ADDED CONTIGUOUS COUNT``: the seqs appended,
whether they follow one another, the rows now shown), and ``reset`` when the shown session
is read again from scratch (its rows are then not a continuation). Nothing is written
without the variable: the app keeps no log of its own otherwise.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from typing import IO, Final

from .timeline import TimelineShape

__all__ = ["ENV", "FollowLog", "appended_range"]

ENV: Final = "ZERO_SESSION_TUI_FOLLOW_LOG"


def appended_range(base: TimelineShape, shape: TimelineShape) -> tuple[int, int, int, bool]:
    """(first seq, last seq, rows added, whether those seqs are consecutive) of what
    ``shape`` has after ``base``'s rows."""
    added = shape.count - base.count
    if added <= 0:
        return 0, 0, 0, True
    if shape.seqs is None:
        first = shape.last_seq - added + 1
        return first, shape.last_seq, added, True
    tail = shape.seqs[base.count :]
    consecutive = all(b == a + 1 for a, b in itertools.pairwise(tail))
    return int(tail[0]), int(tail[-1]), added, consecutive


class FollowLog:
    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    @classmethod
    def from_env(cls) -> FollowLog | None:
        path = os.environ.get(ENV)
        if not path:
            return None
        try:
            return cls(open(path, "a", encoding="utf-8", buffering=1))
        except OSError:
            return None

    def poll(self, seconds: float) -> None:
        self._write(f"poll {time.monotonic():.3f} {seconds * 1000:.3f}")

    def grew(self, base: TimelineShape, shape: TimelineShape) -> None:
        first, last, added, consecutive = appended_range(base, shape)
        if added:
            self._write(f"grew {first} {last} {added} {int(consecutive)} {shape.count}")

    def reset(self, why: str) -> None:
        self._write(f"reset {why}")

    def _write(self, line: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # never a reason to fail the follow
            self._handle.write(line + "\n")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
