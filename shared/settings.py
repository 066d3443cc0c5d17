"""The settings every service has; a service's own ``config.py`` extends them."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import database_url, env_int, optional_key, redis_url


@dataclass(frozen=True)
class ServiceSettings:
    service: str
    database_url: str
    redis_url: str
    jwt_public_key: bytes | None
    max_upload_bytes: int = 20 * 1024 * 1024

    @classmethod
    def base_from_env(cls, service: str) -> dict[str, object]:
        return {
            "service": service,
            "database_url": database_url(service),
            "redis_url": redis_url(),
            "jwt_public_key": optional_key("TEILHABE_JWT_PUBLIC_KEY"),
            "max_upload_bytes": env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        }
