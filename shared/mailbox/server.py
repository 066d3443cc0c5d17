"""Real SMTP server (aiosmtpd) that stores into a Mailbox and can script delivery failures."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from shared.mailbox.handler import MailboxHandler, Outcome
from shared.mailbox.store import Mailbox

MAX_MESSAGE_BYTES = 30 * 1024 * 1024


class Login(NamedTuple):
    """One AUTH attempt as the server saw it: whose, over TLS or in the clear, and whether taken."""

    username: str
    encrypted: bool
    accepted: bool


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
    """`SmtpServer(mailbox).start()`; port 0 picks a free port, see `.port`.

    Plain SMTP without AUTH unless told otherwise: ``tls_context`` offers STARTTLS (which
    ``require_starttls`` makes a must before MAIL); ``login`` (username, password) requires AUTH
    PLAIN or LOGIN before MAIL, offered only after STARTTLS unless ``auth_require_tls`` is False.
    """

    def __init__(
        self,
        mailbox: Mailbox,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls_context: ssl.SSLContext | None = None,
        require_starttls: bool = False,
        login: tuple[str, str] | None = None,
        auth_require_tls: bool = True,
    ) -> None:
        self.mailbox = mailbox
        self.host = host
        self._requested_port = port
        self._handler = MailboxHandler(mailbox)
        self._controller: _Controller | None = None
        self._connections = 0
        self._logins: list[Login] = []
        self._lock = threading.Lock()
        self._login = login
        authenticator = self._authenticate if login is not None else None
        self._session_options = _session_options(
            tls_context, require_starttls, authenticator, auth_require_tls
        )

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

    @property
    def logins(self) -> list[Login]:
        """Every AUTH attempt since start or reset, in order."""
        with self._lock:
            return list(self._logins)

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
            self._logins.clear()

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
            **self._session_options,
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

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self._login is None:  # not PLAIN or LOGIN
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode("utf-8", "replace"), auth_data.password.decode("utf-8", "replace"))
        accepted = given == self._login
        with self._lock:
            self._logins.append(Login(given[0], session.ssl is not None, accepted))
        return AuthResult(success=accepted, handled=False, auth_data=auth_data)


def _session_options(
    tls_context: ssl.SSLContext | None,
    require_starttls: bool,
    authenticator: Callable[..., AuthResult] | None,
    auth_require_tls: bool,
) -> dict[str, Any]:
    """aiosmtpd's SMTP arguments; none by default, so the dev server stays plain SMTP."""
    if require_starttls and tls_context is None:
        raise ValueError("require_starttls needs a tls_context to offer STARTTLS with")
    options: dict[str, Any] = {}
    if tls_context is not None:
        options.update(tls_context=tls_context, require_starttls=require_starttls)
    if authenticator is not None:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=auth_require_tls)
    return options
