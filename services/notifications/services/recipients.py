"""Notifications' own copy of recipients and known users, kept current from network's events
(subscribed, unsubscribed, erased, contact changes, snapshots, user updates), so mail goes out
while network is down."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.models import (
    DigestItem,
    Email,
    KnownUser,
    Recipient,
    RecipientOrganization,
)
from services.notifications.services.suppressions import suppress
from shared.db import utcnow


def upsert_recipient(session: Session, data: dict[str, Any], source: str = "double_opt_in") -> Recipient:
    """A confirmed subscription (network's double opt-in) or a snapshot of the contact person."""
    recipient = session.get(Recipient, data["contact_id"]) or Recipient(contact_id=data["contact_id"])
    recipient.email = data["email"].strip().lower()
    recipient.name = data["name"]
    recipient.language = data["language"]
    recipient.topics = list(data["topics"])
    recipient.districts = list(data["districts"])
    recipient.updated_at = utcnow()
    recipient.organizations = [
        RecipientOrganization(organization_id=org) for org in sorted(set(map(str, data["organization_ids"])))
    ]
    if data.get("preferences_url"):
        recipient.preferences_url = data["preferences_url"]
    if data.get("digest") in domain.DIGEST_CHOICES:
        recipient.digest = data["digest"]
    if recipient.topics:
        recipient.consent_confirmed_at = recipient.consent_confirmed_at or utcnow()
        recipient.consent_source, recipient.unsubscribed_at = source, None
    session.add(recipient)
    return recipient


def apply_snapshot(
    session: Session, data: dict[str, Any], occurred_at: datetime | None = None
) -> Recipient | None:
    """Network's full picture of one contact person (resync, or its organisations changed):
    replaces what we hold, unless we hold a later one (``occurred_at`` is the envelope's, as the
    relay may deliver an older event after a newer one); returns the row, None if ignored."""
    data = _in_order(session, data, occurred_at)
    if data is None:
        return None
    recipient = upsert_recipient(session, data, source=data.get("consent_source") or "snapshot")
    confirmed = data.get("consent_confirmed_at")
    if confirmed and recipient.topics:
        recipient.consent_confirmed_at = datetime.fromisoformat(str(confirmed))
    else:
        recipient.consent_confirmed_at, recipient.consent_source = None, ""
    recipient.as_of = occurred_at or recipient.as_of
    return recipient


def apply_subscription(
    session: Session, data: dict[str, Any], occurred_at: datetime | None = None
) -> Recipient | None:
    """A confirmed or changed subscription (``network.contact.subscribed``, the full current
    picture), in event order like a snapshot; returns the row, None if a later event is held."""
    data = _in_order(session, data, occurred_at)
    if data is None:
        return None
    recipient = upsert_recipient(session, data)
    recipient.as_of = occurred_at or recipient.as_of
    return recipient


def _in_order(session: Session, data: dict[str, Any], as_of: datetime | None) -> dict[str, Any] | None:
    """What of a full picture taken at ``as_of`` still holds: nothing if we hold a later picture;
    no subscription if the person unsubscribed after it was taken."""
    current = session.get(Recipient, data["contact_id"], with_for_update=True)
    if current is None:
        return data
    if domain.older(as_of, current.as_of):
        return None
    if domain.older(as_of, current.unsubscribed_at):
        # The consent it shows was withdrawn since; the rest (address, organisations) still holds.
        return {**data, "topics": [], "districts": []}
    return data


def unsubscribe_recipient(session: Session, contact_id: str, occurred_at: datetime | None = None) -> None:
    """No more newsletter mail, none still waiting; the person stays an addressee for their
    organisations' own matters (administrative mail). An unsubscribe older than the subscription
    we hold (the person subscribed again since) changes nothing."""
    recipient = session.get(Recipient, contact_id, with_for_update=True)
    if recipient is None or domain.older(occurred_at, recipient.as_of):
        return
    recipient.topics, recipient.districts, recipient.updated_at = [], [], utcnow()
    recipient.consent_confirmed_at, recipient.unsubscribed_at = None, occurred_at or utcnow()
    waiting = select(Email).where(
        Email.recipient == recipient.email.lower(),
        Email.purpose == domain.NEWSLETTER,
        Email.status == "pending",
    )
    for email in session.scalars(waiting):
        email.status, email.last_error = "suppressed", "suppressed: unsubscribed"
    _drop_waiting_digest_items(session, contact_id)


def erase_recipient(session: Session, contact_id: str, event_id: str = "") -> None:
    """Forget the person: no recipient row, nothing pending to them, no address in the log; the
    suppression list keeps only a hash of the address so it is never mailed again."""
    recipient = session.get(Recipient, contact_id)
    _drop_waiting_digest_items(session, contact_id)
    if recipient is None:
        return
    address = recipient.email.lower()
    placeholder = f"erased-{contact_id}@invalid"
    for email in session.scalars(select(Email).where(Email.recipient == address)):
        if email.status in ("pending", "sending"):
            email.status = "cancelled"
        email.recipient, email.recipient_name = placeholder, "gelöscht"
        email.body_text = email.body_html = ""
    suppress(session, domain.address_key(address), "erased", event_id)
    session.delete(recipient)


def _drop_waiting_digest_items(session: Session, contact_id: str) -> None:
    query = select(DigestItem).where(DigestItem.contact_id == contact_id, DigestItem.digest_id.is_(None))
    for item in session.scalars(query):
        session.delete(item)


def update_recipient_contact(
    session: Session, data: dict[str, Any], occurred_at: datetime | None = None
) -> None:
    """Network changed a person's name, email or language: keep our copy current, if we have one
    and it is not from a later picture of the person."""
    recipient = session.get(Recipient, data["contact_id"], with_for_update=True)
    if recipient is not None and not domain.older(occurred_at, recipient.as_of):
        recipient.name, recipient.language = data["name"], data["language"]
        recipient.email = data["email"].strip().lower()
        recipient.updated_at = utcnow()


def remember_user(session: Session, user_id: str, email: str, language: str) -> None:
    """A network user's address, so mail about what the user did can reach them."""
    user = session.get(KnownUser, user_id) or KnownUser(user_id=user_id)
    user.email, user.language, user.updated_at = email.strip().lower(), language, utcnow()
    session.add(user)


def apply_user_update(session: Session, data: dict[str, Any], occurred_at: datetime) -> None:
    """Network's current state of an account replaces ours, unless ours is from a later event
    (the relay may deliver a retried older event after a newer one)."""
    user = session.get(KnownUser, str(data["user_id"]), with_for_update=True)
    if user is not None and domain.older(occurred_at, user.as_of):
        return
    user = user or KnownUser(user_id=str(data["user_id"]))
    user.email, user.language = data["email"].strip().lower(), data.get("language") or "de"
    user.roles, user.active = sorted(set(data["roles"])), bool(data["active"])
    user.as_of, user.updated_at = occurred_at, utcnow()
    session.add(user)


def contacts_of_organization(session: Session, organization_id: str) -> list[Recipient]:
    return list(
        session.scalars(
            select(Recipient)
            .join(RecipientOrganization)
            .where(RecipientOrganization.organization_id == str(organization_id))
            .order_by(Recipient.email)
        )
    )


def addressees_of(
    recipients: Iterable[Recipient], fallback: dict[str, list[str]] | None = None
) -> list[domain.Addressee]:
    """Each recipient in their own language, then in the ``fallback`` languages of their contact id
    (their organisations' languages), then (when rendering) German."""
    fallback = fallback or {}
    return [
        domain.Addressee(r.email, r.name, (r.language, *fallback.get(r.contact_id, ()))) for r in recipients
    ]
