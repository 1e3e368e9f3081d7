"""The browser's own first-run state, in its own file under the XDG state directory.

The client's ``welcome_shown`` milestone belongs to the client (it hides the client's own
first-run welcome): the browser only ever reads its own flag here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from store.atomic_write import write_atomically

from . import locations

__all__ = ["mark_welcome_seen", "welcome_seen"]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or unreadable: as on a first launch
    return data if isinstance(data, dict) else {}


def welcome_seen(path: Path | None = None) -> bool:
    return _read(path or locations.browser_state_file()).get("welcome_seen") is True


def mark_welcome_seen(path: Path | None = None) -> None:
    """Record that the welcome was shown (atomically: the file is whole or as it was)."""
    target = path or locations.browser_state_file()
    data = _read(target)
    data["welcome_seen"] = True
    write_atomically(target, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())
