"""Sending over any SMTP server, one connection reused for a batch of messages, paced by a rate
limit shared by every worker process that sends to the same server."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType

import redis

from services.notifications.models import Email
from shared.db import utcnow

CLOSING = 421  # RFC 5321: the server closes the connection
# A RCPT refusal that is about us, not the address: Postfix checks the sender only at RCPT
# ("553 5.1.8 <noreply@…>: Sender address rejected"), and relaying is refused per recipient.
_ABOUT_US = re.compile(r"\b[45]\.1\.[78]\b|sender address|\brelay", re.IGNORECASE)


class ServerProblem(Exception):
    """The server takes no mail from us as configured: no session (down, greeting, EHLO, STARTTLS,
    login refused) or the sender refused. The same for every message, so no recipient is at fault."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "Kommunales Integrationszentrum <noreply@ki.example>"
    timeout: float = 30.0
    rate_per_second: float = 0.0  # SMTP_RATE_PER_SECOND; 0: no limit
    ca_file: str | None = None  # SMTP_CA_FILE: trust only this CA bundle (a private CA), not the system's


# A token bucket in Redis that lends tokens ahead: each caller takes one and sleeps for as long as
# the bucket is in debt, so callers in any process are spaced 1/rate apart, in arrival order. The
# time is Redis's own, so worker clocks need not agree.
_TAKE_TOKEN = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate) - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], 3600)
if tokens >= 0 then return '0' end
return tostring(-tokens / rate)
"""


class RateLimiter:
    """At most ``rate`` messages per second to one SMTP server, across all worker processes."""

    def __init__(self, redis_url: str, server: str, rate: float, burst: float = 1.0) -> None:
        self._client = redis.Redis.from_url(redis_url, socket_timeout=5)
        self._key = f"teilhabe:smtp-rate:{server}"
        self._take = self._client.register_script(_TAKE_TOKEN)
        self.rate, self.burst = rate, burst

    @classmethod
    def for_smtp(cls, redis_url: str, settings: SmtpSettings) -> RateLimiter | None:
        if settings.rate_per_second <= 0:
            return None
        return cls(redis_url, f"{settings.host}:{settings.port}", settings.rate_per_second)

    def wait(self) -> None:
        delay = float(self._take(keys=[self._key], args=[self.rate, self.burst]))
        if delay > 0:
            time.sleep(delay)


class Mailer:
    """Opens the connection on the first message and keeps it for the ones after. ``wait_turn``
    paces the caller; ``send`` raises ServerProblem for what is not the recipient's doing."""

    def __init__(self, settings: SmtpSettings, limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.limiter = limiter
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def wait_turn(self) -> None:
        """Block until the rate limit lets the next message go (before its last check and send)."""
        if self.limiter is not None:
            self.limiter.wait()

    def send(self, message: EmailMessage) -> None:
        connection = self._connection()
        try:
            connection.send_message(message)
        except smtplib.SMTPSenderRefused as refused:
            self.close()
            raise ServerProblem(f"sender {refused.sender} refused: {_reply(refused)}") from refused
        except smtplib.SMTPRecipientsRefused as refused:
            # smtplib reset the transaction, so the connection serves the next message, unless the
            # server said 421 (closing), after which smtplib closed it.
            replies = [f"{code} {_text(reply)}" for code, reply in refused.recipients.values()]
            if any(code == CLOSING for code, _ in refused.recipients.values()):
                self.close()
            if any(_ABOUT_US.search(reply) for reply in replies):
                raise ServerProblem(f"recipient refused because of the sender: {replies[0]}") from refused
            raise
        except (smtplib.SMTPException, OSError):
            # After a 421, a drop or a failed DATA the connection's state is unknown: start afresh.
            self.close()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            try:
                self._smtp = self._open()
            except (smtplib.SMTPException, OSError) as exc:
                where = f"{self.settings.host}:{self.settings.port}"
                raise ServerProblem(f"no SMTP session with {where}: {type(exc).__name__}: {exc}") from exc
        return self._smtp

    def _open(self) -> smtplib.SMTP:
        if self.settings.username and not self.settings.starttls and not _is_loopback(self.settings.host):
            raise ServerProblem(
                f"not sending the SMTP password unencrypted to {self.settings.host}: set SMTP_STARTTLS=true"
            )
        smtp = smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout)
        try:
            smtp.ehlo_or_helo_if_needed()  # here, so a refused EHLO counts as the server's problem
            if self.settings.starttls:
                # Without a context smtplib checks neither the certificate nor the host name. A
                # failure raises, so login() below never runs over a connection left unencrypted.
                smtp.starttls(context=ssl.create_default_context(cafile=self.settings.ca_file))
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _is_loopback(host: str) -> bool:
    """A relay on this machine: the password never crosses a network."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=email.recipient_name, addr_spec=email.recipient)
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:
        # RFC 8058: mail clients offer "unsubscribe" and POST to the URL, without login or cookies.
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    message["Content-Language"] = email.language  # after set_content, which drops Content-* headers
    if email.calendar:
        _attach_calendar(message, email.calendar)
    return message


def _attach_calendar(message: EmailMessage, ics: str) -> None:
    """An iCalendar invitation as its own part; the METHOD parameter lets mail clients act on it."""
    method = next(
        (line.split(":", 1)[1].strip() for line in ics.splitlines() if line.startswith("METHOD:")), "PUBLISH"
    )
    message.add_attachment(
        ics.encode("utf-8"),
        maintype="text",
        subtype="calendar",
        filename="einladung.ics",
        params={"method": method, "charset": "utf-8"},
    )
