"""Notifications settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from services.notifications.mailer import SmtpSettings
from shared.config import env_float, env_int
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    portal_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls) -> Settings:
        smtp = SmtpSettings(
            host=os.environ.get("SMTP_HOST", "127.0.0.1"),
            port=env_int("SMTP_PORT", 8025),
            starttls=os.environ.get("SMTP_STARTTLS", "false").lower() == "true",
            username=os.environ.get("SMTP_USERNAME") or None,
            password=os.environ.get("SMTP_PASSWORD") or None,
            sender=os.environ.get("MAIL_FROM", "Kommunales Integrationszentrum <noreply@ki.example>"),
            rate_per_second=env_float("SMTP_RATE_PER_SECOND", 0.0),
            ca_file=os.environ.get("SMTP_CA_FILE") or None,
        )
        return cls(
            **cls.base_from_env("notifications"),
            smtp=smtp,
            portal_url=portal_url(),
        )


def portal_url() -> str:
    """Where people open what an email announces (``PORTAL_URL``)."""
    return os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")


def caseworker_addresses() -> list[str]:
    """Addresses that hear about new applications besides network's caseworkers
    (``NOTIFY_CASEWORKERS``, comma-separated), for an installation that wants the team's shared
    mailbox told too; empty by default."""
    raw = os.environ.get("NOTIFY_CASEWORKERS", "")
    return sorted({part.strip().lower() for part in raw.split(",") if part.strip()})
