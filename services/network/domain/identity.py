"""Identity rules that need no database: passwords, sign-in throttling, opaque secrets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shared.auth import ROLES

DEMO_PASSWORD = "teilhabe-demo"
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=14)
RESET_LIFETIME = timedelta(hours=1)
MAX_RESETS_PER_HOUR = 3
# A stored hash that matches no password: accounts created by invitation until they set one.
UNUSABLE_PASSWORD = "!unusable"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this when the email is unknown makes both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        return False


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is refused, or None; the message is shown to the user."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mindestens {MIN_PASSWORD_LENGTH} Zeichen / at least {MIN_PASSWORD_LENGTH} characters."
    if password.strip().lower() == email.strip().lower():
        return "Das Passwort darf nicht die E-Mail-Adresse sein / must not be the email address."
    if password == DEMO_PASSWORD:
        return "Das Demo-Passwort ist nicht erlaubt / the demo password is not allowed."
    return None


def unknown_roles(roles: list[str]) -> list[str]:
    return sorted(set(roles) - set(ROLES))


def new_secret() -> str:
    """An opaque token for a link or a refresh: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored instead of a secret (or an email, for throttling): SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def email_key(email: str) -> str:
    return digest("login:" + email.strip().lower())


@dataclass
class Throttle:
    """Failed sign-ins for one email: ``failures`` since ``window_started_at``, maybe a lock."""

    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None

    def retry_after(self, now: datetime) -> int | None:
        """Seconds until sign-in is allowed again, or None when it is allowed now."""
        if self.locked_until is None or self.locked_until <= now:
            return None
        return max(1, int((self.locked_until - now).total_seconds() + 0.999))

    def record_failure(self, now: datetime) -> None:
        lock_over = self.locked_until is not None and self.locked_until <= now
        if lock_over or now - self.window_started_at > FAILURE_WINDOW:
            self.failures, self.window_started_at, self.locked_until = 0, now, None
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.locked_until = now + LOCK_DURATION
