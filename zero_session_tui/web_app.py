"""The app as ``zero-session-tui serve`` runs it for each browser tab.

textual-serve starts ``python -m zero_session_tui.web_app OPTIONS`` with Textual's web driver
(``TEXTUAL_DRIVER``), which speaks to the server over stdin and stdout: there is no terminal,
so the terminal check of ``__main__`` is not made here. The databases were checked by
``serve`` before it started listening; one that went bad since still fails with one line
(the server shows it) and exit status 2. Crash reports and signals as in a terminal
(``terminal_guard.run``).
"""

from __future__ import annotations

import os
import sys

from store import SessionError

from . import exit_codes, terminal_guard
from .catalog import Catalog
from .cli import parse_args

__all__ = ["main"]

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("TEXTUAL_DRIVER") != WEB_DRIVER:
        print(
            "zero-session-tui: web_app is started by `zero-session-tui serve`, not by hand",
            file=sys.stderr,
        )
        return exit_codes.USAGE
    options = parse_args(argv)
    try:
        catalog = Catalog.open(options.databases)
    except SessionError as error:
        print(f"zero-session-tui: {error}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    except OSError as error:
        print(f"zero-session-tui: {error.strerror or error}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    from .__main__ import launched_app

    try:
        return terminal_guard.run(lambda: launched_app(options, catalog))
    finally:
        catalog.close()


if __name__ == "__main__":
    raise SystemExit(main())
