"""Funding settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.config import env_int, env_str, required_in_production, var_dir
from shared.settings import ServiceSettings

MIB = 1024 * 1024


def default_attachments_dir() -> Path:
    return var_dir() / "attachments"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # Where uploaded files live, outside the database; production must name a persistent volume.
    attachments_dir: Path = field(default_factory=default_attachments_dir)
    attachment_max_bytes: int = 10 * MIB
    attachments_max_count: int = 20  # per application
    attachments_max_total_bytes: int = 50 * MIB  # per application
    # Where applicants read calls; links in funding.call.published point there.
    portal_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            **cls.base_from_env("funding"),
            attachments_dir=Path(required_in_production("ATTACHMENTS_DIR", str(default_attachments_dir()))),
            attachment_max_bytes=env_int("ATTACHMENT_MAX_BYTES", 10 * MIB),
            attachments_max_count=env_int("ATTACHMENTS_MAX_COUNT", 20),
            attachments_max_total_bytes=env_int("ATTACHMENTS_MAX_TOTAL_BYTES", 50 * MIB),
            portal_url=env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/"),
        )
