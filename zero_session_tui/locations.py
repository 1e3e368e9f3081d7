"""Every path the app reads or writes, in one place."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "annotations_file",
    "annotations_key",
    "browser_state_file",
    "cache_dir",
    "default_database",
    "demo_database",
    "exports_dir",
    "is_demo",
    "redaction_config",
    "state_dir",
    "wraps_dir",
    "zero_home",
]


def zero_home() -> Path:
    return Path(os.environ.get("ZERO_HOME") or Path.home() / ".zero").expanduser()


def default_database() -> Path:
    """``$ZERO_SESSION_DB``, else ``$ZERO_HOME/state/sessions.db`` (``ZERO_HOME`` = ``~/.zero``)."""
    override = os.environ.get("ZERO_SESSION_DB")
    if override:
        return Path(override).expanduser()
    return zero_home() / "state" / "sessions.db"


def is_demo(database: Path) -> bool:
    """Whether ``database`` is a demo database this app made (``--demo``)."""
    resolved = database.expanduser().resolve()
    return resolved.parent == cache_dir().resolve() and resolved.name.startswith("demo-v")


def wraps_dir(database: Path | None = None) -> Path:
    """Where wraps of ``database``'s sessions go: the client's ``~/.zero/state/wraps``, or
    beside the demo database for the demo (never into ``~/.zero``)."""
    if database is not None and is_demo(database):
        return database.expanduser().resolve().parent / "demo-wraps"
    return zero_home() / "state" / "wraps"


def exports_dir(database: Path | None = None) -> Path:
    """Where exports of ``database``'s sessions go (beside the demo database for the demo)."""
    if database is not None and is_demo(database):
        return database.expanduser().resolve().parent / "demo-exports"
    return zero_home() / "exports"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "zero-session-tui"


def demo_database(version: int) -> Path:
    return cache_dir() / f"demo-v{version}.db"


def state_dir() -> Path:
    """The browser's own state (``$XDG_STATE_HOME/zero-session-tui``): never the client's."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base).expanduser() / "zero-session-tui"


def browser_state_file() -> Path:
    """The browser's first-run state (welcome seen), a small JSON file of its own."""
    return state_dir() / "state.json"


def redaction_config() -> Path:
    """The user's own secret patterns for redacted exports (``$XDG_CONFIG_HOME``, else
    ``~/.config``, ``/zero-session-tui/redaction.toml``; see ``redaction.py``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base).expanduser() / "zero-session-tui" / "redaction.toml"


def annotations_key(database: Path) -> str:
    """A client database's key in the annotations file: its resolved path (a file replaced
    at that path keeps its bookmarks, names and tags)."""
    return str(database.expanduser().resolve())


def annotations_file() -> Path:
    """The browser's bookmarks and notes (``$XDG_DATA_HOME``, else ``~/.local/share``,
    ``/zero-session-tui/annotations.db``): user data, never in the client's database."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "zero-session-tui" / "annotations.db"
