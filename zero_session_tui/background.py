"""Work that may take the rest of the machine's time but must never slow what a person waits
for: the search index's build runs at a lower CPU priority (the calling thread's nice value,
which threads it starts inherit), so a search, the UI thread or another program that wants
a core meanwhile gets it first. On a quiet machine nothing else wants the cores and the build
runs at full speed."""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Final

__all__ = ["BACKGROUND_NICE", "lower_priority"]

BACKGROUND_NICE: Final = 10


def lower_priority() -> None:
    """Lower the calling thread's CPU priority by ``BACKGROUND_NICE`` (Linux, where the nice
    value of a thread id is the thread's own); elsewhere, or when refused, nothing."""
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None or not hasattr(threading, "get_native_id"):
        return
    with contextlib.suppress(OSError):
        me = threading.get_native_id()
        setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE)
