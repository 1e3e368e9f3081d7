"""Every path the app reads or writes, in one place."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_database", "demo_database", "exports_dir", "wraps_dir", "zero_home"]


def zero_home() -> Path:
    return Path(os.environ.get("ZERO_HOME") or Path.home() / ".zero").expanduser()


def default_database() -> Path:
    """``$ZERO_SESSION_DB``, else ``$ZERO_HOME/state/sessions.db`` (``ZERO_HOME`` = ``~/.zero``)."""
    override = os.environ.get("ZERO_SESSION_DB")
    if override:
        return Path(override).expanduser()
    return zero_home() / "state" / "sessions.db"


def wraps_dir() -> Path:
    return zero_home() / "state" / "wraps"


def exports_dir() -> Path:
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
