"""Writing a file so that a reader only ever sees the old content or the complete new one.

Every temp file in flight is registered, so a signal handler or an exit hook can remove what a
write interrupted (``remove_pending_temp_files``) and leave no hidden file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from .errors import StoreIOError

__all__ = ["pending_temp_files", "remove_pending_temp_files", "write_atomically"]

_pending: set[str] = set()
_pending_lock = threading.Lock()


def pending_temp_files() -> list[str]:
    """The temp files of writes in progress now."""
    with _pending_lock:
        return sorted(_pending)


def remove_pending_temp_files() -> int:
    """Remove the temp file of every write in progress (at exit, or on a signal); returns
    how many were removed. Safe to call from a signal handler's thread."""
    with _pending_lock:
        names = list(_pending)
        _pending.clear()
    removed = 0
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
            removed += 1
    return removed


def write_atomically(target: Path, payload: bytes | Iterable[bytes]) -> Path:
    """Write ``payload`` (bytes, or chunks of bytes produced as it goes) to ``target``
    through a temp file in the same directory, fsynced, then renamed over ``target``.

    Whatever fails (the disk, a read-only directory, the producer of the chunks), the temp
    file is removed and ``target`` is left as it was."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise StoreIOError(f"cannot write {target}: {exc.strerror or exc}") from None
    with _pending_lock:
        _pending.add(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in [payload] if isinstance(payload, bytes) else payload:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise StoreIOError(
                f"cannot write {target}: {exc.strerror or exc}; nothing was written"
            ) from None
        raise
    finally:
        with _pending_lock:
            _pending.discard(temp_name)
    return target
