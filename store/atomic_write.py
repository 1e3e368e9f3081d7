"""Writing a file so that a reader only ever sees the old content or the complete new one.

Every temp file in flight is registered, so a signal handler or an exit hook can remove what a
write interrupted (``remove_pending_temp_files``) and leave no hidden file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from .errors import StoreIOError

__all__ = [
    "is_safe_file_stem",
    "numbered_name",
    "pending_temp_files",
    "remove_pending_temp_files",
    "write_atomically",
]

_SAFE_STEM = re.compile(r"[A-Za-z0-9_-]{1,128}")

_pending: set[str] = set()
_pending_lock = threading.Lock()


def is_safe_file_stem(name: str) -> bool:
    """Whether ``name`` (a session's ulid, from the database) can name a file as it is:
    ASCII letters, digits, ``_`` and ``-``, at most 128 of them (no separator, no dot)."""
    return _SAFE_STEM.fullmatch(name) is not None


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


MAX_NEW_NAMES = 10_000
"""How many names ``replace=False`` tries (``x.md``, ``x-2.md`` ... ``x-10000.md``)."""

# link() is refused on some file systems (FAT, some network mounts): reserve the name instead.
_NO_LINK = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}


def numbered_name(target: Path, n: int) -> Path:
    """``target`` for 1, else ``stem-n.suffix``: ``01J.md`` -> ``01J-2.md``."""
    return target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")


def _place_under_new_name(temp_name: str, target: Path) -> Path:
    """Give the complete temp file the first free name of ``target``, ``target-2`` ...
    without a race: ``os.link`` fails if the name exists, so a file that appears meanwhile
    (another export) is never overwritten. Where hard links are refused, the name is
    reserved with ``O_CREAT | O_EXCL`` and the temp file renamed over that empty
    reservation (a reader may see it empty for that instant)."""
    for n in range(1, MAX_NEW_NAMES + 1):
        candidate = numbered_name(target, n)
        try:
            os.link(temp_name, candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise _named(exc, candidate) from None
        else:
            with contextlib.suppress(OSError):  # the export is in place whatever happens here
                os.unlink(temp_name)
            return candidate
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _named(exc, candidate) from None
        os.close(fd)
        try:
            os.replace(temp_name, candidate)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(candidate)  # our empty reservation
            raise _named(exc, candidate) from None
        return candidate
    raise StoreIOError(
        f"cannot write {target}: {MAX_NEW_NAMES:,} files of that name exist already; "
        "nothing was written"
    )


def _named(exc: OSError, path: Path) -> StoreIOError:
    return StoreIOError(f"cannot write {path}: {exc.strerror or exc}; nothing was written")


def write_atomically(
    target: Path, payload: bytes | Iterable[bytes], *, replace: bool = True
) -> Path:
    """Write ``payload`` (bytes, or chunks of bytes produced as it goes) to ``target``
    through a temp file in the same directory, fsynced, then put in place; returns the path
    actually written.

    ``replace=True`` renames the temp file over ``target`` (a wrap: recomputed from the same
    rows, it is the same report). ``replace=False`` never touches an existing file: the
    content lands under the first free name of ``target``, ``target-2``, ``target-3`` ...
    (an export: an earlier complete export is kept byte for byte), claimed atomically.

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
        if replace:
            os.replace(temp_name, target)
            written = target
        else:
            written = _place_under_new_name(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise _named(exc, target) from None
        raise
    finally:
        with _pending_lock:
            _pending.discard(temp_name)
    return written
