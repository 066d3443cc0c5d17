"""Signed, time-limited tokens for links that need no account (opt-in, preferences, cancellations)."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from shared.config import required_in_production

DEVELOPMENT_SECRET = "teilhabe-development-signing-secret"  # refused in production


class BadToken(Exception):
    """The token was tampered with, is for another purpose, or has expired."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def signing_secret(name: str) -> str:
    """The secret from env ``name``; a fixed development secret outside production only."""
    return required_in_production(name, DEVELOPMENT_SECRET)


def sign(secret: str, purpose: str, data: dict[str, Any]) -> str:
    """A URL-safe token over ``data``; ``purpose`` is the salt, so a token works for one use only."""
    return URLSafeTimedSerializer(secret, salt=purpose).dumps(data)


def unsign(secret: str, purpose: str, token: str, max_age_seconds: int) -> dict[str, Any]:
    """The data of a valid token; raises BadToken for a forged, foreign or expired one."""
    serializer = URLSafeTimedSerializer(secret, salt=purpose)
    try:
        data = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise BadToken("the link has expired", expired=True) from None
    except BadSignature:
        raise BadToken("the link is not valid") from None
    if not isinstance(data, dict):
        raise BadToken("the link is not valid")
    return data
