"""Export with redaction (``x``): choose the format, find the secrets in a worker, review them
(``screens/redaction_review.py``), then write the export with every one masked.

The review and the file come from the same rules (the config is read once, when the secrets
are found), each from its own consistent read of the session: when the session grew between
the two, the export's message says how many were masked in the file and how many reviewed.
A bad config is one error line (the file and the pattern), and nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from store import SessionError, SessionRow, Store

from .. import locations
from ..catalog import SessionKey
from ..formatting import short_ulid
from ..sanitize import inert

if TYPE_CHECKING:
    from ..app import ZeroSessionApp
    from ..export import Bookmarks
    from ..redaction import Redaction, Redactor

# The rules (and tomllib, which reads them) are imported when a redacted export is asked for:
# they are not on the path to the first screen.

__all__ = ["RedactedExport"]

Chunks = Callable[..., Iterator[bytes]]
Writer = Callable[..., Path]


def _formats() -> dict[str, tuple[Chunks, Writer]]:
    """Each format's body (to find the secrets) and its export (to write them masked)."""
    from ..export import export_jsonl, export_markdown, jsonl_chunks, markdown_chunks
    from ..export_html import export_html, html_chunks

    return {
        "md": (markdown_chunks, export_markdown),
        "jsonl": (jsonl_chunks, export_jsonl),
        "html": (html_chunks, export_html),
    }


def _gone(ulid: str) -> SessionError:
    return SessionError(f"the session {inert(ulid)} no longer exists; nothing was written")


def find_secrets(
    store: Store, ulid: str, fmt: str, redactor: Redactor, bookmarks: Bookmarks | None = None
) -> list[Redaction]:
    """Every redaction the ``fmt`` export of session ``ulid`` makes, from one read of it
    (the export's own body, produced and dropped; with its bookmarks' notes)."""
    chunks, _writer = _formats()[fmt]
    with store.read_snapshot():
        session = store.get_session_by_ulid(ulid)
        if session is None:
            raise _gone(ulid)
        for _chunk in chunks(store, session, redactor=redactor, bookmarks=bookmarks):
            pass
    return list(redactor.found)


class RedactedExport:
    def __init__(self, app: ZeroSessionApp) -> None:
        self.app = app
        self.state = app.state
        self.catalog = app.catalog

    def ask(self) -> None:
        from ..screens.export_format import ExportFormatScreen

        key, timeline = self.state.shown_key, self.app.replay.timeline
        if key is None or timeline is None:
            return
        # By the ULID on screen: the row id may be another session's by now.
        ulid = timeline.session.ulid

        def chosen(fmt: str | None) -> None:
            if fmt is not None:
                self.review(key, ulid, fmt)

        title = f"Export {short_ulid(ulid)} with redaction"
        self.app.push_screen(ExportFormatScreen(title), chosen)

    def review(self, key: SessionKey, ulid: str, fmt: str) -> None:
        catalog = self.catalog
        bookmarks = self.app.bookmarks.marks_for(key)  # read on the UI thread

        def scan() -> tuple[Redactor, list[Redaction]]:
            from ..redaction import Redactor

            redactor = Redactor.load()
            # A store of the worker's own: a snapshot holds its store's lock.
            with catalog.reader(key.partition) as store:
                return redactor, find_secrets(store, ulid, fmt, redactor, bookmarks)

        def offer(found: tuple[Redactor, list[Redaction]]) -> None:
            from ..screens.redaction_review import RedactionReviewScreen

            redactor, redactions = found

            def answer(write: bool | None) -> None:
                if write:
                    self.write(key, ulid, fmt, redactor.fresh(), len(redactions), bookmarks)
                else:
                    self.app.notify("Redacted export cancelled: nothing was written.")

            title = f"Redacted {fmt} export of {ulid}"
            self.app.push_screen(RedactionReviewScreen(inert(title), redactions), answer)

        self.app.in_thread(
            scan,
            offer,
            group="redacted-export",
            exclusive=True,
            failure="Cannot export with redaction",
        )

    def write(
        self,
        key: SessionKey,
        ulid: str,
        fmt: str,
        redactor: Redactor,
        reviewed: int,
        bookmarks: Bookmarks | None = None,
    ) -> None:
        catalog = self.catalog

        def write() -> Path:
            _chunks, writer = _formats()[fmt]
            database = catalog.partitions[key.partition].path
            with catalog.reader(key.partition) as store:
                session: SessionRow | None = store.get_session_by_ulid(ulid)
                if session is None:
                    raise _gone(ulid)
                directory = locations.exports_dir(database)
                return writer(store, session, directory, redactor=redactor, bookmarks=bookmarks)

        def done(path: Path) -> None:
            from ..downloads import offer_download
            from ..export import masked_count

            masked = len(redactor.found)  # read on the UI thread once the worker is done
            note = (
                f"; {reviewed:,} were reviewed: the session changed" if masked != reviewed else ""
            )
            message = f"Exported to {path}{masked_count(redactor)}{note}"
            self.app.notify(message, markup=False)
            offer_download(self.app, path)  # under `serve`, the browser downloads it too

        self.app.in_thread(write, done, group="redacted-export-write", failure="Cannot export")
