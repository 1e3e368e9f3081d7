"""Database work started before Textual is even imported.

Importing Textual takes a few hundred milliseconds; SQLite releases the GIL, so the session
asked for with ``--session`` and the first page of the list are read meanwhile, on a thread of
their own. The app then takes the results instead of starting from nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import TypeVar

from store import SessionRow

from .catalog import Catalog, SessionItem, SessionKey, SessionPager
from .session_ref import resolve_session
from .timeline import Opened, open_timeline

__all__ = ["FirstPage", "Found", "Warmup"]

T = TypeVar("T")
Found = tuple[SessionKey, SessionRow, Opened] | None
FirstPage = tuple[list[SessionItem], bool, int]


class Warmup:
    def __init__(self) -> None:
        self.session: Future[Found] | None = None
        self.first_page: Future[FirstPage] = Future()

    @classmethod
    def start(
        cls,
        catalog: Catalog,
        pager: SessionPager,
        *,
        ulid: str | None,
        seq: int | None,
        clock: Callable[[], datetime],
    ) -> Warmup:
        warm = cls()
        if ulid:
            warm.session = Future()

        def run() -> None:
            if warm.session is not None and ulid:
                _settle(warm.session, lambda: find_and_open(catalog, ulid, seq, clock()))
            _settle(warm.first_page, lambda: first_page(pager))

        threading.Thread(target=run, name="zero-session-warmup", daemon=True).start()
        return warm


def find_and_open(catalog: Catalog, ulid: str, seq: int | None, now: datetime) -> Found:
    found = resolve_session(catalog, ulid)
    if found is None:
        return None
    key, session = found
    return key, session, open_timeline(catalog, key, session, seq, None, now)


def first_page(pager: SessionPager) -> FirstPage:
    total = pager.total()
    page = pager.next_page()
    return page, pager.exhausted, total


def _settle(future: Future[T], work: Callable[[], T]) -> None:
    try:
        future.set_result(work())
    except Exception as error:
        future.set_exception(error)
