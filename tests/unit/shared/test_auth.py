"""Tokens signed by network's private key are verified with the public key alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine

from shared import revocation
from shared.auth import Actor, AuthError, generate_keypair, issue_token, verify_token
from shared.db import UtcDateTime

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


def test_a_token_carries_its_session_id_and_the_exact_time_it_was_issued(keys: tuple[bytes, bytes]) -> None:
    issued = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    actor = Actor(user_id="u-1", email="a@verein.example", session_id="s-1")
    token = issue_token(keys[0], actor, timedelta(days=3650), now=datetime.now(UTC))
    late = issue_token(keys[0], actor, timedelta(days=3650), now=issued)

    assert verify_token(keys[1], token).session_id == "s-1"
    assert abs(verify_token(keys[1], late).issued_at - issued) < timedelta(microseconds=5)


def test_tokens_without_a_session_id_still_verify(keys: tuple[bytes, bytes]) -> None:
    actor = verify_token(keys[1], issue_token(keys[0], ACTOR, timedelta(minutes=5)))

    assert actor.session_id is None and actor.issued_at is not None


def test_a_revoked_user_or_session_refuses_only_tokens_issued_before_the_revocation() -> None:
    engine = create_engine("sqlite://")
    metadata = MetaData()
    Table(
        revocation.TABLE,
        metadata,
        Column("subject_id", String(36), primary_key=True),
        Column("revoked_before", UtcDateTime()),
    )
    metadata.create_all(engine)
    moment = datetime(2026, 11, 22, 9, 0, 0, 500_000, tzinfo=UTC)
    before, after = moment - timedelta(microseconds=1), moment + timedelta(microseconds=1)
    with engine.begin() as connection:
        revocation.revoke(connection, "u-1", moment)
        revocation.revoke(connection, "u-1", moment - timedelta(hours=1))  # never moves back
        revocation.revoke(connection, "s-2", moment)
        for actor, refused in [
            (Actor("u-1", "", issued_at=before), True),
            (Actor("u-1", "", issued_at=after), False),
            (Actor("u-2", "", session_id="s-2", issued_at=before), True),
            (Actor("u-2", "", session_id="s-3", issued_at=before), False),
        ]:
            if refused:
                with pytest.raises(AuthError, match="session ended"):
                    revocation.ensure_active(connection, actor)
            else:
                revocation.ensure_active(connection, actor)
