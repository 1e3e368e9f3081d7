"""Exports reach the browser: under ``zero-session-tui serve`` (Textual's web driver), a file
the app has written is also sent to the browser tab as a download.

In a terminal this does nothing (the file is where the notification says). In the browser
the file is still written under the exports directory on the server, as in a terminal; the
download is a copy the browser saves where it saves downloads. Textual's public
``App.deliver_binary`` sends it (the bytes as written: no re-encoding) in a thread of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["offer_download"]


def offer_download(app: App[Any], path: Path) -> bool:
    """Send ``path`` to the browser when the app runs in one; True if it was sent."""
    if not app.is_web:
        return False
    app.deliver_binary(path, open_method="download")
    return True
