"""Notifications' handlers for network's registry events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.services import organizations, planning, recipients
from shared.events import Envelope
from shared.inbox import Handlers


def on_registration_requested(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], data["contact_name"], (data["language"],))
    context = {"organization_name": data["organization_name"], "confirm_url": data["confirm_url"]}
    # Administrative: the confirmation of a registration the person just made themselves.
    planning.plan_emails(
        session, event, "registration_confirm", [addressee], context, purpose=domain.ADMINISTRATIVE
    )


def on_contact_updated(session: Session, event: Envelope) -> None:
    recipients.update_recipient_contact(session, event.data, occurred_at=event.occurred)


def on_contact_snapshot(session: Session, event: Envelope) -> None:
    """Network's picture of one contact person, sent when notifications asked for a resync."""
    recipients.apply_snapshot(session, event.data, occurred_at=event.occurred)


def on_organization_changed(session: Session, event: Envelope) -> None:
    organizations.apply_organization(session, event.data, occurred_at=event.occurred)


HANDLERS: Handlers = {
    ("network.organization.changed", 1): on_organization_changed,
    ("network.organization.registration_requested", 1): on_registration_requested,
    ("network.contact.updated", 1): on_contact_updated,
    ("network.contact.snapshot", 1): on_contact_snapshot,
}
