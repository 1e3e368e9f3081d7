"""The web server behind ``zero-session-tui serve``: textual-serve's ``Server`` with a gate.

The gate is an aiohttp middleware that sees EVERY request (the page, its scripts and styles,
the websocket that drives the app, the downloads of exports):

- With a token (any address but loopback), a request passes only with the token, given as
  ``?token=`` or as the cookie the page's first request set (the page's own requests, its
  websocket and ``/download/`` URLs carry no query of ours); both are compared with
  ``hmac.compare_digest``. Anything else gets 403 and a one-line body.
- On loopback (no token), the ``Host`` header must name a loopback address, so a web page
  elsewhere cannot reach the server through a DNS name it rebinds to 127.0.0.1.
- The websocket is refused when its ``Origin`` is another site's (cross-site websocket
  hijacking: a page the user visits must not drive the app).

What is relied on in textual-serve 1.1.3, beyond its public ``Server(command, host, port,
title)`` and ``serve()``: ``Server._make_app()`` is the coroutine that builds the (not yet
frozen) ``web.Application``, whose ``middlewares`` list we append to; ``handle_index`` builds
the page's absolute URLs from ``self.public_url`` without awaiting anything, so the URL is set
from the request just before it runs (a server bound to 0.0.0.0 is reached by another name);
``on_startup`` (documented as overridable) prints textual-serve's banner, replaced by ours;
``serve`` is redone (``initialize_logging``, ``request_exit`` on SIGINT/SIGTERM, aiohttp's
``run_app``) only to print our banner when listening. The tests in
``tests/browser/test_serve.py`` go through all of it.
"""

from __future__ import annotations

import asyncio
import hmac
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse
from textual_serve.server import Server

__all__ = ["REFUSED", "GatedServer"]

REFUSED = "403 Forbidden: open the URL zero-session-tui serve printed when it started\n"
"""The whole body of a refused request (one line)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _host_name(host: str) -> str:
    """``host`` (a Host header or an origin's netloc) without its port."""
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class GatedServer(Server):
    """textual-serve's server, with the gate above on every request."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        title: str,
        token: str | None,
        banner: str,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        self.banner = banner
        self.cookie = f"zero-session-tui-token-{port}"
        """Cookies are shared by every port of a host: the name says which server's it is."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._gate)
        return app

    @web.middleware
    async def _gate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not self._allowed_host(request) or not self._same_origin(request):
            return _refuse()
        if self.token is None:
            return await handler(request)
        from_query = request.query.get("token", "")
        if _matches(from_query, self.token):
            response = await handler(request)
            if not response.prepared:  # a websocket or a download is already under way
                response.set_cookie(
                    self.cookie, self.token, httponly=True, samesite="Strict", path="/"
                )
            return response
        if _matches(request.cookies.get(self.cookie, ""), self.token):
            return await handler(request)
        return _refuse()

    def _allowed_host(self, request: web.Request) -> bool:
        """Off loopback the token guards the server; on loopback, the Host must be loopback."""
        return self.token is not None or _host_name(request.host) in _LOOPBACK_NAMES

    @staticmethod
    def _same_origin(request: web.Request) -> bool:
        """A websocket opened by a page of this server, or by a client that is no page."""
        origin = request.headers.get("Origin")
        if origin is None or request.headers.get("Upgrade", "").lower() != "websocket":
            return True
        return origin.partition("://")[2].rstrip("/").lower() == request.host.lower()

    async def handle_index(self, request: web.Request) -> Any:
        # The page's URLs (its scripts, its websocket) point where the browser reached us.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        """Not textual-serve's banner: ours, once the server listens (``serve``)."""

    def serve(self, debug: bool = False) -> None:
        """As textual-serve's ``serve``, but the banner is printed once the server listens
        (aiohttp's ``run_app`` calls ``print`` then), not before it binds, which may fail."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda _aiohttp_line: print(self.banner, flush=True),
            access_log_class=_AccessLog,
        )


class _AccessLog(AbstractAccessLogger):
    """One line a request, with its path and never its query: ``?token=`` stays out of logs."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s", request.remote, request.method, request.path, response.status
        )


def _matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def _refuse() -> web.Response:
    return web.Response(status=403, text=REFUSED)
