"""Network settings from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.config import env_int, optional_key
from shared.db import utcnow
from shared.settings import ServiceSettings
from shared.signing import DEVELOPMENT_SECRET, signing_secret


@dataclass(frozen=True)
class Settings(ServiceSettings):
    jwt_private_key: bytes | None = None
    token_ttl: timedelta = timedelta(minutes=15)
    # Time for sign-in throttling, sessions and reset links; tests pass a fixed clock.
    clock: Callable[[], datetime] = utcnow
    signing_secret: str = DEVELOPMENT_SECRET  # NETWORK_SIGNING_SECRET: links that need no account
    public_url: str = "http://127.0.0.1:8000"  # PORTAL_URL: where links in emails point

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            **cls.base_from_env("network"),
            jwt_private_key=optional_key("NETWORK_JWT_PRIVATE_KEY"),
            token_ttl=timedelta(seconds=env_int("TOKEN_TTL_SECONDS", 900)),
            signing_secret=signing_secret("NETWORK_SIGNING_SECRET"),
            public_url=os.environ.get("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/"),
        )
