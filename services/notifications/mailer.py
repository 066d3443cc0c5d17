"""Sending over any SMTP server, one connection reused for a batch of messages."""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from types import TracebackType

from services.notifications.models import Email
from shared.db import utcnow


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 8025
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "Kommunales Integrationszentrum <noreply@ki.example>"
    timeout: float = 30.0


class Mailer:
    """Opens the connection on the first message and keeps it for the ones after."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        try:
            self._connection().send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self._smtp = None  # the next message opens a fresh connection
            raise

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout)
            if self.settings.starttls:
                smtp.starttls()
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
            self._smtp = smtp
        return self._smtp


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=email.recipient_name, addr_spec=email.recipient)
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
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
