"""The one way work leaves the UI thread: run a job in a thread worker, then apply its result
on the UI thread, unless it is stale (the app closing, or what it was for no longer wanted).

Every thread worker of the app, its screens and widgets goes through ``run_in_thread``: the
job reads only the frozen values it was given (never a widget); the apply, the failure and
the staleness checks all run on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker

from .catalog import describe

__all__ = ["report", "run_in_thread"]

T = TypeVar("T")


def report(app: App[Any], title: str, error: Exception) -> None:
    """Say that ``title`` failed, and why, in an error notice (the text is inert)."""
    app.notify(describe(error), title=title, severity="error", markup=False, timeout=8)


def run_in_thread(
    node: DOMNode,
    job: Callable[[], T],
    apply: Callable[[T], object],
    *,
    group: str,
    failure: str | None = None,
    failed: Callable[[Exception], object] | None = None,
    wanted: Callable[[T], bool] | None = None,
    stale: Callable[[], object] | None = None,
    alive: Callable[[], bool] | None = None,
    exclusive: bool = False,
) -> Worker[None]:
    """Run ``job`` in a thread worker of ``node``; then, on the UI thread, ``apply`` its
    result if ``alive()`` (default: ``node`` is still attached to the running app) and
    ``wanted(result)`` (default: always) hold, else call ``stale`` (when given).

    A job that raises: ``failure`` (a title) is reported and ``failed(error)`` called, on
    the UI thread, while alive. ``exclusive`` cancels the group's earlier workers (a thread
    cannot be stopped: their results then arrive and are checked like any other)."""
    is_alive = alive if alive is not None else lambda: node.is_attached

    def on_result(result: T) -> None:
        if not is_alive():
            return
        if wanted is not None and not wanted(result):
            if stale is not None:
                stale()
            return
        apply(result)

    def on_error(error: Exception) -> None:
        if not is_alive():
            return
        if failure is not None:
            report(node.app, failure, error)
        if failed is not None:
            failed(error)

    def body() -> None:
        try:
            result = job()
        except Exception as error:
            node.app.call_from_thread(on_error, error)
            return
        node.app.call_from_thread(on_result, result)

    # The description is the group's: Textual's default is the repr of the arguments, which
    # for a 52 MB text took 0.6 s of the UI thread.
    return node.run_worker(
        body,
        group=group,
        description=group,
        exclusive=exclusive,
        thread=True,
        exit_on_error=False,
    )
