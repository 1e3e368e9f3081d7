"""Entry point: parse the command line; run a subcommand, or check the databases and start
the app.

Textual is imported only once the databases are known to open, so a bad path fails fast with
one line and exit status 2, never a traceback. A subcommand never imports it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from store import SessionError

from . import exit_codes, locations, startup_gc, terminal_guard
from .catalog import Catalog
from .cli import Options, options_from, parse
from .warmup import Warmup

if TYPE_CHECKING:
    from .app import ZeroSessionApp

__all__ = ["FRAMES_PER_SECOND", "launched_app", "main", "make_app"]

FRAMES_PER_SECOND = 120


def _now() -> datetime:
    return datetime.now(UTC)


def make_app(
    options: Options,
    catalog: Catalog,
    *,
    clock: Callable[[], datetime] = _now,
    tz: tzinfo | None = None,
    warm: bool = False,
) -> ZeroSessionApp:
    """The app for ``options`` over an opened ``catalog``. Tests call this with a fixed
    ``clock`` and ``tz`` (None means the local time zone).

    With ``warm``, the database work of the first screen starts on a thread before Textual
    is imported (see ``warmup.py``)."""
    # Textual paints at most MAX_FPS frames a second, on a fixed beat: a key waits up to a
    # whole period (16.7 ms at its default 60) before the frame that answers it. 120 halves
    # that wait; only continuous animation (a fast timed replay) draws more frames. Read
    # once, when Textual is first imported (below); a value the user set is kept.
    os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
    pager = catalog.pager()
    warmup = (
        Warmup.start(catalog, pager, ulid=options.session, seq=options.seq, clock=clock)
        if warm
        else None
    )
    from .app import ZeroSessionApp

    return ZeroSessionApp(
        catalog,
        clock=clock,
        tz=tz,
        open_ulid=options.session,
        open_seq=options.seq,
        welcome=options.welcome,
        live=options.live,
        idle_cap=options.idle_cap,
        pager=pager,
        warm=warmup,
    )


def _databases(options: Options) -> list[Path]:
    if options.demo:
        from .demo import ensure_demo

        print("zero-session-tui: preparing the demo database...", file=sys.stderr)
        return [ensure_demo(), *options.databases]
    return options.databases or [locations.default_database()]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.command == "serve":
        from . import serve

        return serve.run(args)
    if args.command is not None:
        from .subcommands import runner

        return runner.run(args.run, args)
    options = options_from(args)
    try:
        paths = _databases(options)
        catalog = Catalog.open(paths)
    except SessionError as error:
        hint = "" if options.databases or options.demo else " (try --demo, or --db PATH)"
        print(f"zero-session-tui: {error}{hint}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    except OSError as error:
        print(f"zero-session-tui: {error.strerror or error}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    try:
        if terminal_guard.refuse_without_terminal():
            return exit_codes.NO_TERMINAL
        return terminal_guard.run(lambda: launched_app(options, catalog))
    finally:
        catalog.close()


def launched_app(options: Options, catalog: Catalog) -> ZeroSessionApp:
    """The app as a launch makes it (in a terminal, or a browser tab's process): its first
    reads started before Textual is imported, Python's cyclic collector held off meanwhile
    (``startup_gc.py``: 23-28 ms sooner on screen)."""
    with startup_gc.held_off():
        return make_app(options, catalog, warm=True)


if __name__ == "__main__":
    raise SystemExit(main())
