"""Tokens signed by network's private key are verified with the public key alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from shared.auth import Actor, AuthError, generate_keypair, issue_token, verify_token

ACTOR = Actor(user_id="u-1", email="a@verein.example", roles=("applicant",), organization_ids=("o-1",))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    private, public = generate_keypair(tmp_path_factory.mktemp("keys"))
    return private.read_bytes(), public.read_bytes()


def test_a_token_round_trips_the_actor(keys: tuple[bytes, bytes]) -> None:
    token = issue_token(keys[0], ACTOR, timedelta(minutes=5))
    assert verify_token(keys[1], token) == ACTOR


def test_an_expired_token_is_refused(keys: tuple[bytes, bytes]) -> None:
    token = issue_token(keys[0], ACTOR, timedelta(seconds=-1))
    with pytest.raises(AuthError, match="expired"):
        verify_token(keys[1], token)


def test_a_token_signed_by_another_key_is_refused(keys: tuple[bytes, bytes], tmp_path: Path) -> None:
    other_private, _ = generate_keypair(tmp_path)
    token = issue_token(other_private.read_bytes(), ACTOR, timedelta(minutes=5))
    with pytest.raises(AuthError):
        verify_token(keys[1], token)


def test_a_token_with_changed_roles_is_refused(keys: tuple[bytes, bytes]) -> None:
    token = issue_token(keys[0], ACTOR, timedelta(minutes=5))
    header, _payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"u-1","roles":["approver"]}').decode()
    with pytest.raises(AuthError):
        verify_token(keys[1], f"{header}.{forged_payload}.{signature}")


def test_a_symmetric_hs256_token_is_refused(keys: tuple[bytes, bytes]) -> None:
    forged = jwt.encode(
        {"sub": "u-1", "roles": ["admin"]}, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256"
    )
    with pytest.raises(AuthError):
        verify_token(keys[1], forged)


def test_key_pair_is_generated_once(tmp_path: Path) -> None:
    first = generate_keypair(tmp_path)
    content = first[0].read_bytes()
    assert generate_keypair(tmp_path) == first
    assert first[0].read_bytes() == content
