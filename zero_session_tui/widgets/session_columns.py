"""The session list's columns: what each cell says, and how wide each column is.

Every column has an explicit width, computed from the widest value loaded (and its label), so
a live count that gains a digit widens its column instead of losing the digit. The widths are
fitted to the table's width; when everything does not fit, these steps are taken in order,
each only while the columns are still too wide (the first prompt keeps at least
``PROMPT_MIN`` cells and takes what is left, up to ``PROMPT_MAX``):

1. text columns are cut (with "…") to ``CUT``: ``engine`` 12 cells, ``cli`` 10, ``db`` 16;
2. ``last event`` (headed ``last``) shows the time alone when it is on the day the session
   started, no year when in the start's year;
3. ``fork of`` (headed ``fork``) shows the parent's last six characters (``⑂ abcdef``);
4. ``started`` drops the year when it is this year (``11-25 08:00``);
5. then columns are dropped: ``engine``, ``fork of``, ``last event``, ``cli``, ``duration``.

However wide the table, those never take more than ``CAPS`` cells. At 120 columns steps 1-4
are enough for every column; at 80, ``engine``, ``fork of`` and ``last event`` are dropped
(and ``cli`` with them when its values are long). The ``db`` column (several databases), the
session, start, counts and first prompt are never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Final, Literal

from rich.cells import cell_len
from rich.text import Text

from ..catalog import SessionItem, status_of
from ..formatting import duration, engine_label, local_time, short_ulid
from ..sanitize import one_line

__all__ = ["Layout", "RowCells", "Widths", "fit", "label_cell", "label_of", "row_cells"]

KEYS: Final = (
    "db",
    "session",
    "started",
    "duration",
    "events",
    "warn",
    "alert",
    "cli",
    "engine",
    "fork",
    "last_event",
    "prompt",
)
LABELS: Final = {
    "db": "db",
    "session": "session",
    "started": "started",
    "duration": "duration",
    "events": "events",
    "warn": "warn",
    "alert": "alert",
    "cli": "cli",
    "engine": "engine",
    "fork": "fork of",
    "last_event": "last event",
    "prompt": "first prompt",
}
SHORT_LABELS: Final = {"fork": "fork", "last_event": "last"}
RIGHT: Final = frozenset({"events", "warn", "alert"})
SHORTENED: Final = frozenset({"started", "fork", "last_event"})
PADDING: Final = 2  # the table's cell padding, both sides
PROMPT_MIN: Final = 12
PROMPT_MAX: Final = 80
CAPS: Final = {"engine": 32, "cli": 24, "db": 32}
CUT: Final = {"engine": 12, "cli": 10, "db": 16}
_STEPS: Final = (
    ("cut", "text"),
    ("short", "last_event"),
    ("short", "fork"),
    ("short", "started"),
    ("drop", "engine"),
    ("drop", "fork"),
    ("drop", "last_event"),
    ("drop", "cli"),
    ("drop", "duration"),
)


def _inert(value: str, limit: int = 256) -> str:
    """Database text for one cell: controls and invisible characters made visible."""
    return one_line(value, limit)[0]


@dataclass(frozen=True, slots=True)
class RowCells:
    """The texts of one row, each column in its full form and, where it has one, short."""

    full: dict[str, str]
    short: dict[str, str]
    styles: dict[str, str] = field(default_factory=dict)
    rich: dict[str, Text] = field(default_factory=dict)
    """Cells styled in parts (a name and its tags): the same text as ``full``."""

    def cell(self, key: str, width: int, short: bool) -> Text:
        value = self.short[key] if short and key in self.short else self.full[key]
        if key in self.rich:
            text = self.rich[key].copy()
        else:
            text = Text(value, style=self.styles.get(key, ""), justify=_justify(key), no_wrap=True)
        if cell_len(value) > width:
            text.truncate(width, overflow="ellipsis")
        return text


def _justify(key: str) -> Literal["left", "right"]:
    return "right" if key in RIGHT else "left"


@dataclass(frozen=True, slots=True)
class Colours:
    warn: str
    alert: str
    live: str
    tag: str = "cyan"


def label_cell(item: SessionItem, colours: Colours) -> Text | None:
    """The first-prompt column of a named or tagged session: its name (bold) in place of the
    first prompt, then its tags (``#tag``); unnamed, the tags come before the first prompt
    (italic, as it always is). None: no label, the first prompt as usual."""
    label = item.label
    if label.empty:
        return None
    text = Text(no_wrap=True)
    tags = " ".join(f"#{_inert(tag, 64)}" for tag in label.tags)
    if label.name:
        text.append(_inert(label.name, PROMPT_MAX + 1), style="bold")
        if tags:
            text.append(f"  {tags}", style=colours.tag)
        return text
    text.append(tags, style=colours.tag)
    prompt = _inert(item.first_prompt, PROMPT_MAX + 1)
    if prompt:
        text.append(f"  {prompt}", style="italic")
    return text


def row_cells(
    item: SessionItem, now: datetime, tz: tzinfo | None, *, live_marks: bool, colours: Colours
) -> RowCells:
    """What one session's row says (every text inert)."""
    session, summary = item.session, item.summary
    status = status_of(item, now)
    styles: dict[str, str] = {}
    if status == "ended" and session.started_at and session.ended_at:
        span = duration(session.ended_at - session.started_at)
    elif status == "live" and live_marks:
        span, styles["duration"] = "\u25cf live", f"bold {colours.live}"
    else:
        span, styles["duration"] = "open", "italic"
    styles["warn"] = colours.warn if summary.warn_count else "dim"
    styles["alert"] = f"bold {colours.alert}" if summary.alert_count else "dim"
    styles["prompt"] = "italic"
    last = summary.last_event_at if summary.event_count else None
    full = {
        "db": _inert(item.partition.label),
        "session": _inert(short_ulid(session.ulid)),
        "started": local_time(session.started_at, tz),
        "duration": span,
        "events": f"{summary.event_count:,}",
        "warn": f"{summary.warn_count:,}" if summary.warn_count else "\u00b7",
        "alert": f"{summary.alert_count:,}" if summary.alert_count else "\u00b7",
        "cli": _inert(session.cli_version),
        "engine": _inert(engine_label(session.engine_base_url)),
        "fork": f"\u2442 {_inert(short_ulid(session.parent_ulid))}" if session.parent_ulid else "",
        "last_event": local_time(last, tz) if last is not None else "",
        "prompt": _inert(item.first_prompt, PROMPT_MAX + 1),
    }
    rich: dict[str, Text] = {}
    labelled = label_cell(item, colours)
    if labelled is not None:
        rich["prompt"] = labelled
        full["prompt"] = labelled.plain
    short = {
        "started": _short_start(session.started_at, now, tz),
        "fork": f"\u2442 {_inert(session.parent_ulid[-6:])}" if session.parent_ulid else "",
        "last_event": _short_last(last, session.started_at, tz),
    }
    return RowCells(full, short, styles, rich)


def _short_start(started: datetime | None, now: datetime, tz: tzinfo | None) -> str:
    full = local_time(started, tz)
    # Years compared as local_time shows them: astimezone raises at the calendar's ends.
    if started is None or full[:4] != local_time(now, tz)[:4]:
        return full
    return full[5:] if len(full) == 16 else full  # "2026-11-25 08:00" -> "11-25 08:00"


def _short_last(last: datetime | None, started: datetime | None, tz: tzinfo | None) -> str:
    if last is None:
        return ""
    full = local_time(last, tz)
    begun = local_time(started, tz) if started is not None else ""
    if len(full) != 16 or len(begun) != 16:
        return full
    if full[:10] == begun[:10]:
        return full[11:]  # the time alone: the day is the start's
    return full[5:] if full[:4] == begun[:4] else full  # the start's year: no year


class Widths:
    """The widest value of each column (full and short forms) over the rows seen."""

    def __init__(self) -> None:
        self.full: dict[str, int] = {}
        self.short: dict[str, int] = {}

    def observe(self, rows: Iterable[RowCells]) -> None:
        for row in rows:
            for key, value in row.full.items():
                self.full[key] = max(self.full.get(key, 0), cell_len(value))
            for key, value in row.short.items():
                self.short[key] = max(self.short.get(key, 0), cell_len(value))

    def of(self, key: str, short: bool) -> int:
        if short and key in self.short:
            return self.short[key]
        return self.full.get(key, 0)


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns shown, left to right, with their widths, and which show a short form."""

    columns: tuple[tuple[str, int], ...]
    short: frozenset[str] = frozenset()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.columns)


def label_of(key: str, labels: dict[str, str], short: bool) -> str:
    """The header of column ``key`` (``labels`` carry the sort arrow), short when shortened."""
    label = labels[key]
    if short and key in SHORT_LABELS:
        return label.replace(LABELS[key], SHORT_LABELS[key], 1)
    return label


def fit(widths: Widths, labels: dict[str, str], available: int, *, with_db: bool) -> Layout:
    """The layout for a table ``available`` cells wide (see the module's docstring)."""
    shown = [key for key in KEYS if with_db or key != "db"]
    short: set[str] = set()
    caps = dict(CAPS)

    def width(key: str) -> int:
        value = min(widths.of(key, key in short), caps.get(key, PROMPT_MAX))
        return max(cell_len(label_of(key, labels, key in short)), value)

    def fixed() -> int:
        return sum(width(key) + PADDING for key in shown if key != "prompt")

    for step, key in _STEPS:
        if fixed() + PROMPT_MIN + PADDING <= available:
            break
        if step == "cut":
            caps.update(CUT)
        elif step == "short":
            short.add(key)
        else:
            shown.remove(key)
    prompt_natural = max(cell_len(labels["prompt"]), min(widths.of("prompt", False), PROMPT_MAX))
    prompt = max(PROMPT_MIN, min(prompt_natural, available - fixed() - PADDING))
    columns = tuple((key, prompt if key == "prompt" else width(key)) for key in shown)
    return Layout(columns, frozenset(short))
