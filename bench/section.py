"""One part of the benchmark that measures on its own (search, live tail) and reports into the
printed table: its rows, already formatted, and its goals, judged on those same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .dataset import Dataset
from .report import Goal

__all__ = ["Section", "SectionRunner"]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)


class SectionRunner(Protocol):
    def __call__(self, ds: Dataset, *, quick: bool, progress: Callable[[str], None]) -> Section: ...
