"""Network's rules that need no database: passwords and organisation status."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from shared.errors import Conflict

DEMO_PASSWORD = "teilhabe-demo"
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def check_can_verify(status: str) -> None:
    if status != "registered":
        raise Conflict(f"an organisation in status {status!r} cannot be verified", field="status")
