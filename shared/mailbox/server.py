"""Real SMTP server (aiosmtpd) that stores into a Mailbox and can script delivery failures."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from shared.mailbox.handler import MailboxHandler, Outcome
from shared.mailbox.store import Mailbox

MAX_MESSAGE_BYTES = 30 * 1024 * 1024


class _CountingSMTP(SMTP):
    def __init__(self, handler: Any, on_connect: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._on_connect = on_connect

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None:  # STARTTLS calls this again for the same session
            self._on_connect()
        super().connection_made(transport)


class _Controller(Controller):
    """Serves on a socket we bound ourselves, so port 0 needs no probe-then-bind race."""

    def __init__(
        self,
        handler: MailboxHandler,
        listener: socket.socket,
        on_connect: Callable[[], None],
        **kwargs: Any,
    ) -> None:
        host, port = listener.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port, **kwargs)
        self._listener = listener
        self._on_connect = on_connect

    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, self._on_connect, **self.SMTP_kwargs)

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self.loop.create_server(self._factory_invoker, sock=self._listener, ssl=self.ssl_context)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Lets `make run` restart at once while old connections sit in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError:
        listener.close()
        raise
    return listener


class SmtpServer:
    """`SmtpServer(mailbox).start()`; port 0 picks a free port, see `.port`."""

    def __init__(self, mailbox: Mailbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mailbox = mailbox
        self.host = host
        self._requested_port = port
        self._handler = MailboxHandler(mailbox)
        self._controller: _Controller | None = None
        self._connections = 0
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        if self._controller is None:
            if self._requested_port == 0:
                raise RuntimeError("SmtpServer was asked for a free port; start() it first")
            return self._requested_port
        return int(self._controller.port)

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    def start(self) -> SmtpServer:
        if self._controller is None:
            self._controller = self._start_controller()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def fail_next(self, code: int, count: int = 1, message: str = "Scripted failure") -> None:
        if not 400 <= code < 600:
            raise ValueError(f"fail_next needs a 4xx or 5xx SMTP code, got {code}")
        self._handler.script(Outcome(code, message), count)

    def refuse_recipient(
        self, address: str, code: int, message: str = "5.1.1 Mailbox unknown", count: int | None = None
    ) -> None:
        """Answer RCPT TO for ``address`` with ``code`` (``count`` times; None: until reset)."""
        if not 400 <= code < 600:
            raise ValueError(f"refuse_recipient needs a 4xx or 5xx SMTP code, got {code}")
        self._handler.refuse(address, Outcome(code, message), count)

    def drop_next(self, count: int = 1) -> None:
        self._handler.script(Outcome(), count)

    def reset(self) -> None:
        self._handler.clear_script()
        with self._lock:
            self._connections = 0

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _start_controller(self) -> _Controller:
        listener = _listen(self.host, self._requested_port)
        controller = _Controller(
            self._handler,
            listener,
            self._count_connection,
            server_hostname="localhost",
            decode_data=False,
            data_size_limit=MAX_MESSAGE_BYTES,
        )
        try:
            controller.start()
        except BaseException:
            listener.close()
            raise
        with self._lock:
            # Controller.start() opens one probe connection of its own; don't count it.
            self._connections = 0
        return controller

    def _count_connection(self) -> None:
        with self._lock:
            self._connections += 1
