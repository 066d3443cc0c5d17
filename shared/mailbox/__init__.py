"""Development mail catcher: a real SMTP server that keeps every message, plus a web inbox."""

from __future__ import annotations

from shared.mailbox.server import Login, SmtpServer
from shared.mailbox.store import Mailbox, ReceivedMessage
from shared.mailbox.web import create_inbox_app

__all__ = ["Login", "Mailbox", "ReceivedMessage", "SmtpServer", "create_inbox_app"]
