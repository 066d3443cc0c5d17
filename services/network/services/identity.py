"""Identity use cases: sign-in and user accounts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.network.domain import identity as domain
from services.network.models import Membership, User, UserRole
from shared.auth import Actor, AuthError, issue_token
from shared.config import is_production


def issue_access_token(
    session: Session, email: str, password: str, private_key: bytes, ttl: timedelta
) -> str:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not domain.password_matches(user.password_hash, password):
        raise AuthError("email or password is wrong")
    if is_production() and password == domain.DEMO_PASSWORD:
        raise AuthError("the demo password is not accepted in production", status=403)
    return issue_token(private_key, actor_of(user), ttl)


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        email=user.email,
        roles=tuple(sorted(r.role for r in user.roles)),
        organization_ids=tuple(sorted(m.organization_id for m in user.memberships)),
    )


def create_user(
    session: Session, email: str, password: str, roles: list[str], organization_ids: list[str]
) -> User:
    user = User(email=email.strip().lower(), password_hash=domain.hash_password(password))
    user.roles = [UserRole(role=role) for role in roles]
    user.memberships = [Membership(organization_id=org) for org in organization_ids]
    session.add(user)
    session.flush()
    return user
