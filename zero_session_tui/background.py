"""Work that may take the rest of the machine's time but must never slow what a person waits
for: the search index's build runs at a lower CPU priority, so a search, the UI thread or
another program that wants a core meanwhile gets it first. On a quiet machine nothing else
wants the cores and the build runs at full speed.

The priority is a nice value of one thread (Linux: a thread id's nice value is the thread's
own, and threads it starts inherit it). Textual runs thread workers on a reused pool, and an
unprivileged process cannot raise a lowered priority again, so the work runs in a thread of
its own that ends with it (``run_lowered``), never in the worker's pool thread."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import Final, TypeVar

__all__ = ["BACKGROUND_NICE", "lower_priority", "run_lowered"]

BACKGROUND_NICE: Final = 10
T = TypeVar("T")


def lower_priority() -> None:
    """Lower the calling thread's CPU priority by ``BACKGROUND_NICE`` (Linux); elsewhere, or
    when refused, nothing. For a thread that ends with its work (see the module doc)."""
    setpriority = getattr(os, "setpriority", None)
    if setpriority is None:
        return
    with contextlib.suppress(OSError):
        me = threading.get_native_id()
        setpriority(os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE)


def run_lowered(job: Callable[[], T], name: str) -> T:
    """``job()`` in a new thread at a lower priority, waited for: its result, or its error
    raised here."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def body() -> None:
        lower_priority()
        try:
            outcome.append(job())
        except BaseException as error:  # raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
