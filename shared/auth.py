"""Short-lived signed bearer tokens (EdDSA): network issues them, every service verifies them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "EdDSA"
ISSUER = "teilhabe-network"
AUDIENCE = "teilhabe"
ROLES = ("applicant", "caseworker", "approver", "admin")
STAFF_ROLES = ("caseworker", "approver", "admin")


class AuthError(Exception):
    """The request carries no valid token (401) or lacks the role it needs (403)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Actor:
    """Who is calling: taken from a verified token, never from the request body."""

    user_id: str
    email: str
    roles: tuple[str, ...] = ()
    organization_ids: tuple[str, ...] = field(default_factory=tuple)
    # The sign-in session the token belongs to (``sid``); None for tokens made outside a session.
    session_id: str | None = None
    # When the token was issued (``iat``): compared with the user's revocations, not identity.
    issued_at: datetime | None = field(default=None, compare=False)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        return self.has_role(*STAFF_ROLES)


def issue_token(private_key_pem: bytes, actor: Actor, ttl: timedelta, now: datetime | None = None) -> str:
    """A signed token for ``actor``; ``iat`` keeps microseconds so a revocation orders exactly."""
    now = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": actor.user_id,
        "email": actor.email,
        "roles": list(actor.roles),
        "orgs": list(actor.organization_ids),
        "iat": now.timestamp(),
        "exp": now + ttl,
    }
    if actor.session_id:
        claims["sid"] = actor.session_id
    return jwt.encode(claims, private_key_pem, algorithm=ALGORITHM)


def verify_token(public_key_pem: bytes, token: str) -> Actor:
    try:
        claims = jwt.decode(
            token,
            public_key_pem,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("token expired") from None
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}") from None
    return Actor(
        user_id=claims["sub"],
        email=claims.get("email", ""),
        roles=tuple(claims.get("roles", ())),
        organization_ids=tuple(claims.get("orgs", ())),
        session_id=claims.get("sid"),
        issued_at=datetime.fromtimestamp(float(claims["iat"]), UTC),
    )


def generate_keypair(directory: Path) -> tuple[Path, Path]:
    """Write ``jwt-private.pem`` and ``jwt-public.pem`` into ``directory`` unless they exist."""
    private_path, public_path = directory / "jwt-private.pem", directory / "jwt-public.pem"
    if private_path.exists() and public_path.exists():
        return private_path, public_path
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    return private_path, public_path
