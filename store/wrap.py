"""Wrap-up reports: a computed, never curated, summary of one session.

``generate`` is pure (no clock, no disk); ``write_wrap`` writes ``<dir>/<ulid>.json`` atomically.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from .atomic_write import is_safe_file_stem, write_atomically
from .errors import SerializationError
from .kinds import EventKind
from .rows import SessionRow, StoredEvent
from .timestamps import format_rfc3339

__all__ = [
    "MIN_WRAP_DURATION",
    "SCHEMA_VERSION",
    "TOP_COMMANDS",
    "CommandCount",
    "EventCounts",
    "WrapReport",
    "command_of",
    "generate",
    "should_wrap",
    "wrap_path",
    "write_wrap",
]

SCHEMA_VERSION: Final = 1
MIN_WRAP_DURATION: Final = timedelta(hours=2)
TOP_COMMANDS: Final = 5


@dataclass(frozen=True, slots=True)
class EventCounts:
    prompt: int = 0
    command: int = 0
    system: int = 0
    warn: int = 0
    alert: int = 0
    mode_change: int = 0


@dataclass(frozen=True, slots=True)
class CommandCount:
    command: str
    count: int


@dataclass(frozen=True, slots=True)
class WrapReport:
    schema: int
    session_ulid: str
    started_at: datetime
    ended_at: datetime
    duration_secs: int
    total_events: int
    event_counts: EventCounts
    top_commands: tuple[CommandCount, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "session_ulid": self.session_ulid,
            "started_at": _stamp(self.started_at),
            "ended_at": _stamp(self.ended_at),
            "duration_secs": self.duration_secs,
            "total_events": self.total_events,
            "event_counts": asdict(self.event_counts),
            "top_commands": [asdict(c) for c in self.top_commands],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _stamp(moment: datetime) -> str:
    # chrono's serde form for DateTime<Utc>: RFC 3339, SecondsFormat::AutoSi, with a "Z"
    # (".123Z" for whole milliseconds, where isoformat() would write ".123000").
    return format_rfc3339(moment).removesuffix("+00:00") + "Z"


def command_of(prompt_text: str) -> str | None:
    """The operator command of a prompt (``/status`` from ``> /status now``), if it is one."""
    text = prompt_text.strip()
    if text.startswith(">"):
        text = text[1:].lstrip()
    if not text.startswith("/") or len(text) < 2:
        return None
    return text.split(maxsplit=1)[0]


def _require_start(session: SessionRow) -> datetime:
    if session.started_at is None:
        raise SerializationError(
            f"session {session.ulid}: its start time is unreadable, so no wrap can be computed"
        )
    return session.started_at


def generate(session: SessionRow, events: Iterable[StoredEvent], ended_at: datetime) -> WrapReport:
    """The wrap of ``session`` over ``events`` as given (no filtering), ending at ``ended_at``."""
    started_at = _require_start(session)
    kinds: Counter[EventKind] = Counter()
    commands: Counter[str] = Counter()
    total = 0
    for event in events:
        total += 1
        kinds[event.kind] += 1
        if event.kind is EventKind.PROMPT:
            command = command_of(event.text)
            if command is not None:
                commands[command] += 1
    top = sorted(commands.items(), key=lambda item: (-item[1], item[0]))[:TOP_COMMANDS]
    return WrapReport(
        schema=SCHEMA_VERSION,
        session_ulid=session.ulid,
        started_at=started_at,
        ended_at=ended_at,
        duration_secs=max(0, int((ended_at - started_at).total_seconds())),
        total_events=total,
        event_counts=EventCounts(**{kind.value: kinds[kind] for kind in EventKind}),
        top_commands=tuple(CommandCount(name, count) for name, count in top),
    )


def should_wrap(session: SessionRow, events: Iterable[StoredEvent], ended_at: datetime) -> bool:
    """True when the session lasted at least ``MIN_WRAP_DURATION`` and has a prompt."""
    if session.started_at is None or ended_at - session.started_at < MIN_WRAP_DURATION:
        return False
    return any(event.kind is EventKind.PROMPT for event in events)


def write_wrap(report: WrapReport, directory: str | Path) -> Path:
    """Write ``<directory>/<session_ulid>.json`` atomically (temp file, fsync, rename).

    On failure nothing partial is left and ``StoreIOError`` says why in one line."""
    target = wrap_path(report, directory)
    payload = report.to_json().encode("utf-8")
    return write_atomically(target, payload)


def wrap_path(report: WrapReport, directory: str | Path) -> Path:
    """Where ``write_wrap`` puts ``report``: ``<directory>/<session_ulid>.json``."""
    if not is_safe_file_stem(report.session_ulid):
        raise SerializationError(
            f"session ulid {report.session_ulid!r} is not safe as a file name; wrap not written"
        )
    return Path(directory).expanduser() / f"{report.session_ulid}.json"
