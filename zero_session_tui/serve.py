"""``zero-session-tui serve``: the app in a browser tab, through textual-serve.

Each browser tab that opens the page gets its own app process (``web_app.py``), over the
databases given here. Loopback (127.0.0.1) by default; any other address needs the secret
token printed at start, checked on every request (``web_server.py``). Exports made in the
browser are downloaded by it as well as written where the app writes them.

No Textual, Rich or aiohttp import at module level, nor the standard modules only ``run``
needs (``secrets``, ``shlex``, ``socket``, ``ipaddress``: 6 to 9 ms by ``-X importtime``):
``cli.py`` imports this module to register the subcommand, and the bare command must start
fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from store import SessionError

from . import exit_codes, locations

__all__ = ["CANNOT_LISTEN", "add_parser", "app_command", "is_loopback", "run"]

CANNOT_LISTEN = 2
"""The address cannot be listened on (in use, not this machine's, no permission)."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

DESCRIPTION = """\
Run the app in a browser tab (through textual-serve): open the URL printed at start.

On 127.0.0.1 (the default) only this machine can connect. Any other --host needs the secret
token in the printed URL: every request without it is refused (403). The token is new each
time the server starts; anyone who has the URL can browse (and delete) your sessions, so
share it as you would a password. Exports made in the page are downloaded by the browser."""

EPILOG = f"""\
exit status:
  0        stopped with ctrl+c or SIGTERM
  2        a database cannot be opened, or the address cannot be listened on
  64       a wrong command line

examples:
  zero-session-tui serve --demo
  zero-session-tui serve --db ~/.zero/state/sessions.db --port {DEFAULT_PORT}
  zero-session-tui serve --host 0.0.0.0 --port 8080     (prints http://HOST:8080/?token=...)"""


def add_parser(subparsers: Any) -> None:
    """Register ``serve`` on ``subparsers`` (``ArgumentParser.add_subparsers()``'s result)."""
    parser = subparsers.add_parser(
        "serve",
        help="run the app in a browser tab",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}; any other needs the token)",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"TCP port (default {DEFAULT_PORT})"
    )
    # Given before or after `serve` (`zero-session-tui --demo serve` too): SUPPRESS keeps this
    # parser from overwriting, with its defaults, what the main parser read.
    app = parser.add_argument_group("the app's options, as for zero-session-tui itself")
    keep = argparse.SUPPRESS
    app.add_argument("--db", action="append", type=Path, metavar="PATH", default=keep)
    app.add_argument("--session", metavar="ULID[#SEQ]", default=keep)
    app.add_argument("--demo", action="store_true", default=keep)
    app.add_argument("--no-welcome", action="store_true", default=keep)
    app.add_argument("--no-live", action="store_true", default=keep)
    app.add_argument("--idle-cap", metavar="SECONDS", default=keep)


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1 to 65535)")
    return int(value)


def is_loopback(host: str) -> bool:
    """Only this machine can reach ``host``: no token is needed."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(databases: list[Path], args: argparse.Namespace) -> list[str]:
    """The command textual-serve runs for each tab: the app over exactly these databases."""
    argv = [sys.executable, "-m", "zero_session_tui.web_app"]
    for path in databases:
        argv += ["--db", str(path.resolve())]
    session = getattr(args, "session", None)
    if isinstance(session, tuple):  # the main parser's (ulid, seq)
        session = session[0] if session[1] is None else f"{session[0]}#{session[1]}"
    if session:
        argv += ["--session", session]
    if getattr(args, "no_welcome", False):
        argv.append("--no-welcome")
    if getattr(args, "no_live", False):
        argv.append("--no-live")
    if getattr(args, "idle_cap", None) is not None:
        argv += ["--idle-cap", str(args.idle_cap)]
    return argv


def _databases(args: argparse.Namespace) -> list[Path]:
    """The databases, checked here once, so a bad one fails at start and not in each tab."""
    from .catalog import Catalog

    paths: list[Path] = list(getattr(args, "db", None) or [])
    if getattr(args, "demo", False):
        from .demo import ensure_demo

        print("zero-session-tui: preparing the demo database...", file=sys.stderr)
        paths.insert(0, ensure_demo())
    paths = paths or [locations.default_database()]
    Catalog.open(paths).close()
    return paths


def _url(host: str, port: int, token: str | None) -> str:
    import socket

    if host in ("0.0.0.0", "::", ""):  # every address: name the machine
        host = socket.gethostname()
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/" + (f"?token={token}" if token else "")


def run(args: argparse.Namespace) -> int:
    """Serve until ctrl+c or SIGTERM; the exit status."""
    import secrets
    import shlex

    from .cli import parse_args

    try:
        databases = _databases(args)
    except SessionError as error:
        given = getattr(args, "db", None) or getattr(args, "demo", False)
        hint = "" if given else " (try --demo, or --db PATH)"
        print(f"zero-session-tui: {error}{hint}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    except OSError as error:
        print(f"zero-session-tui: {error.strerror or error}", file=sys.stderr)
        return exit_codes.BAD_DATABASE
    command = app_command(databases, args)
    parse_args(command[3:])  # the app's own checks (a bad --session exits 64 here, once)
    token = None if is_loopback(args.host) else secrets.token_urlsafe(32)
    url = _url(args.host, args.port, token)
    from .web_server import GatedServer

    server = GatedServer(
        shlex.join(command),
        host=args.host,
        port=args.port,
        title="zero-session-tui",
        token=token,
        banner=f"zero-session-tui: serving on {url} (ctrl+c stops)",
    )
    try:
        server.serve()
    except OSError as error:
        print(
            f"zero-session-tui: cannot listen on {args.host}:{args.port}: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return CANNOT_LISTEN
    return exit_codes.OK
