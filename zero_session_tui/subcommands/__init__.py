"""The subcommands for scripts: ``list``, ``show``, ``search``, ``export``, ``prune`` (and
``serve``, from ``zero_session_tui.serve``). One module each; ``output`` prints, ``runner``
opens the databases and turns failures into exit statuses, ``opening`` reads what the user
names. No Textual import on this path (checked by tests/test_import_hygiene.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from . import export_session, list_sessions, prune, search, show

__all__ = ["add_parsers", "common_options"]

MODULES = (list_sessions, show, search, export_session, prune)


def common_options() -> argparse.ArgumentParser:
    """The options every subcommand takes after its name too (``list --db a.db``); before
    it (``--db a.db list``) they are the main command's. Both are kept, in order."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        dest="sub_db",
        action="append",
        type=Path,
        metavar="PATH",
        help="a session database (repeatable; default: $ZERO_SESSION_DB, else "
        "$ZERO_HOME/state/sessions.db)",
    )
    common.add_argument(
        "--demo", dest="sub_demo", action="store_true", help="the demo database too"
    )
    return common


def add_parsers(subparsers: Any) -> None:
    """Register every subcommand on ``subparsers`` (``add_subparsers()``'s result); each
    sets ``run``, a ``runner.Subcommand``."""
    common = common_options()
    for module in MODULES:
        module.add_parser(subparsers, common)
