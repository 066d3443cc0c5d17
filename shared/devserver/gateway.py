"""One port for all: dispatches ``/<service>/…`` to that service's WSGI app, like the proxy does."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Apps are named by import path, as the production proxy names them by upstream: shared never
# imports a service.
SERVICE_APPS = {
    "funding": "services.funding.wsgi:app",
    "network": "services.network.wsgi:app",
    "notifications": "services.notifications.wsgi:app",
}


def load_app(path: str) -> WsgiApp:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


class Gateway:
    def __init__(self, apps: dict[str, WsgiApp]) -> None:
        self.apps = apps

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        prefix = environ.get("PATH_INFO", "/").lstrip("/").split("/", 1)[0]
        app = self.apps.get(prefix)
        if app is not None:
            return app(environ, start_response)
        if prefix == "":
            return self._index(start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Nicht gefunden / not found\n"]

    def _index(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        links = "".join(
            f'<li><a href="/{escape(name)}/healthz">{escape(name)}</a></li>' for name in self.apps
        )
        page = (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            "<title>Teilhabe (Entwicklung)</title></head><body><main>"
            "<h1>Teilhabe – Entwicklungsumgebung</h1><ul>" + links + "</ul></main></body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]
