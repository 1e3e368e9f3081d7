"""The index build's thread runs at a lower CPU priority, and so do the threads it starts;
the rest of the process keeps its own, the thread that asked for the work included."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from zero_session_tui.background import BACKGROUND_NICE, lower_priority, run_lowered


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_only_the_calling_thread_and_its_children_are_lowered() -> None:
    seen: dict[str, int] = {}

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def child() -> None:
        seen["child"] = nice()

    def build() -> None:
        seen["before"] = nice()
        lower_priority()
        seen["after"] = nice()
        started = threading.Thread(target=child)
        started.start()
        started.join()

    main = nice()
    thread = threading.Thread(target=build)
    thread.start()
    thread.join()
    assert seen["after"] == min(19, seen["before"] + BACKGROUND_NICE)
    assert seen["child"] == seen["after"]
    assert nice() == main


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_run_lowered_leaves_the_calling_thread_as_it_was() -> None:
    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = nice()
    assert run_lowered(nice, "test") == min(19, before + BACKGROUND_NICE)
    assert nice() == before


def test_run_lowered_raises_the_job_error_in_the_caller() -> None:
    def fails() -> None:
        raise ValueError("index file gone")

    with pytest.raises(ValueError, match="index file gone"):
        run_lowered(fails, "test")
