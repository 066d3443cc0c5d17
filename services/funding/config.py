"""Funding settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import ConfigError, env_int, env_str, required_in_production, var_dir
from shared.settings import ServiceSettings

MIB = 1024 * 1024
REPORT_DUE_DAYS = 180
REPORT_REMINDER_DAYS = (28, 7)


def default_attachments_dir() -> Path:
    return var_dir() / "attachments"


def report_reminder_days() -> tuple[int, ...]:
    """``REPORT_REMINDER_DAYS`` (``"28,7"``): days before the due date on which beat reminds."""
    raw = os.environ.get("REPORT_REMINDER_DAYS", "")
    if not raw.strip():
        return REPORT_REMINDER_DAYS
    try:
        days = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"REPORT_REMINDER_DAYS must be whole days like 28,7, got {raw!r}") from exc
    if not days or min(days) < 1:
        raise ConfigError(f"REPORT_REMINDER_DAYS must name at least one day, each 1 or more, got {raw!r}")
    return days


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # Where uploaded files live, outside the database; production must name a persistent volume.
    attachments_dir: Path = field(default_factory=default_attachments_dir)
    attachment_max_bytes: int = 10 * MIB
    attachments_max_count: int = 20  # per application
    attachments_max_total_bytes: int = 50 * MIB  # per application
    # Where applicants read calls; links in funding.call.published point there.
    portal_url: str = "http://127.0.0.1:8000"
    # The Verwendungsnachweis is due this many days after the project's end (stated in the letter).
    report_due_days: int = REPORT_DUE_DAYS
    # Days before that due date on which the organisation is reminded, once each.
    report_reminder_days: tuple[int, ...] = REPORT_REMINDER_DAYS

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            **cls.base_from_env("funding"),
            attachments_dir=Path(required_in_production("ATTACHMENTS_DIR", str(default_attachments_dir()))),
            attachment_max_bytes=env_int("ATTACHMENT_MAX_BYTES", 10 * MIB),
            attachments_max_count=env_int("ATTACHMENTS_MAX_COUNT", 20),
            attachments_max_total_bytes=env_int("ATTACHMENTS_MAX_TOTAL_BYTES", 50 * MIB),
            portal_url=env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/"),
            report_due_days=env_int("REPORT_DUE_DAYS", REPORT_DUE_DAYS),
            report_reminder_days=report_reminder_days(),
        )
