"""``zero-session-tui export ULID``: write one session to a file (Markdown, JSON Lines or an
HTML replay), its secrets masked with ``--redact``.

Through the app's own exports (``export.export_markdown`` / ``export_jsonl``,
``export_html.export_html``): one read snapshot of the session, streamed into a temp file put
in place only when complete, never over an existing file (``<ulid>-2.md``...). The path
written is the one line on stdout (for scripts); how many secrets were masked goes to stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store import SessionError, SessionRow, Store, StoreIOError
from store.annotations import Annotations, AnnotationsError

from .. import exit_codes, locations
from ..catalog import Catalog
from ..export import Bookmarks, export_jsonl, export_markdown
from ..export_html import export_html
from ..redaction import RedactionConfigError, Redactor
from ..sanitize import inert
from .opening import find_session
from .runner import Context, WriteFailed

__all__ = ["add_parser", "run"]

Exporter = Callable[..., Path]
EXPORTERS: dict[str, Exporter] = {"md": export_markdown, "jsonl": export_jsonl, "html": export_html}

EPILOG = """\
The file is named for the session (<ULID>.md, .jsonl, .html), beside any earlier export
(<ULID>-2.md...), in --out DIR, by default ~/.zero/exports ($ZERO_HOME/exports). --redact
masks API keys, tokens, bearer headers, private keys, passwords in URLs, and the patterns of
$XDG_CONFIG_HOME/zero-session-tui/redaction.toml (see the README's "Redaction"), in the
events and in the notes of the browser's bookmarks, which the export includes unless
--no-bookmarks is given.

examples:
  zero-session-tui export p5s7v --format html --redact
  xdg-open "$(zero-session-tui export p5s7v --format html --out /tmp)\""""


def add_parser(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="write one session to a file (md, jsonl, html)",
        description="Write one session to a Markdown, JSON Lines or HTML replay file.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ref", metavar="ULID", help="the session (a ULID in any case, or its tail)")
    parser.add_argument("--format", choices=tuple(EXPORTERS), default="md", help="default: md")
    parser.add_argument("--redact", action="store_true", help="mask secrets before writing")
    parser.add_argument(
        "--no-bookmarks", action="store_true", help="leave out the browser's bookmarks and notes"
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="the directory to write in (made if missing)"
    )
    parser.set_defaults(run=run)


def _write(
    store: Store,
    session: SessionRow,
    fmt: str,
    directory: Path,
    redactor: Redactor | None,
    bookmarks: Bookmarks | None,
) -> Path:
    return EXPORTERS[fmt](store, session, directory, redactor=redactor, bookmarks=bookmarks)


def _bookmarks(database: Path, ulid: str, context: Context) -> Bookmarks | None:
    """The session's bookmarks from the browser's annotations file: None when there is no
    such file (none is made), or it cannot be read (said on stderr; the export goes on)."""
    path = locations.annotations_file()
    if not path.exists():
        return None
    try:
        annotations = Annotations.open(path)
    except AnnotationsError as error:
        context.say(f"bookmarks left out: {error}")
        return None
    try:
        return annotations.session_bookmarks(locations.annotations_key(database), ulid)
    except SessionError as error:
        context.say(f"bookmarks left out: {error}")
        return None
    finally:
        annotations.close()


def run(args: argparse.Namespace, catalog: Catalog, context: Context) -> int:
    try:
        redactor = Redactor.load() if args.redact else None
    except RedactionConfigError as error:
        context.say(str(error))
        return exit_codes.BAD_CONFIG
    key, session = find_session(catalog, args.ref.partition("#")[0])
    database = catalog.partitions[key.partition].path
    directory = args.out if args.out is not None else locations.exports_dir(database)
    if args.out is None:
        directory.mkdir(parents=True, exist_ok=True)
    bookmarks = None if args.no_bookmarks else _bookmarks(database, session.ulid, context)
    with catalog.reader(key.partition) as store:  # opened (and so read) before the write
        try:
            written = _write(store, session, args.format, directory, redactor, bookmarks)
        except StoreIOError as error:  # the file: the database was read through SQLite
            raise WriteFailed(str(error)) from None
    context.out.line(inert(str(written)))
    if redactor is not None:
        masked = len(redactor.found)
        context.say(f"{masked:,} secret{'' if masked == 1 else 's'} masked in {written.name}")
    return exit_codes.OK
