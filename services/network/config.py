"""Network settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.config import env_int, optional_key
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    jwt_private_key: bytes | None = None
    token_ttl: timedelta = timedelta(minutes=15)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            **cls.base_from_env("network"),
            jwt_private_key=optional_key("NETWORK_JWT_PRIVATE_KEY"),
            token_ttl=timedelta(seconds=env_int("TOKEN_TTL_SECONDS", 900)),
        )
