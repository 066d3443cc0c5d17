"""Network's use cases; each runs inside the caller's transaction and records its events."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.network import domain, events
from services.network.models import (
    Affiliation,
    ContactPerson,
    Membership,
    Organization,
    Subscription,
    User,
    UserRole,
    outbox,
)
from shared.auth import Actor, AuthError, issue_token
from shared.config import is_production
from shared.db import utcnow
from shared.errors import NotFound


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


def register_organization(session: Session, name: str, district: str) -> Organization:
    organization = Organization(name=name, district=district, status="registered")
    session.add(organization)
    session.flush()
    return organization


def verify_organization(session: Session, organization_id: str) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("no such organisation", field="organization_id")
    domain.check_can_verify(organization.status)
    organization.status = "verified"
    outbox.record(session, "network.organization.verified", 1, events.organization_verified(organization))
    return organization


def add_subscribed_contact(
    session: Session,
    name: str,
    email: str,
    language: str,
    organization_ids: list[str],
    topics: list[str],
    districts: list[str],
) -> ContactPerson:
    contact = ContactPerson(name=name, email=email, language=language)
    contact.affiliations = [Affiliation(organization_id=org) for org in organization_ids]
    subscription = Subscription(topics=topics, districts=districts, confirmed_at=utcnow())
    session.add(contact)
    session.flush()
    subscription.contact_id = contact.id
    session.add(subscription)
    outbox.record(session, "network.contact.subscribed", 1, events.contact_subscribed(contact, subscription))
    return contact
