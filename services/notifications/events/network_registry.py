"""Notifications' handlers for network's registry events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import domain, services
from shared.events import Envelope
from shared.inbox import Handlers


def on_registration_requested(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], data["contact_name"], (data["language"],))
    context = {"organization_name": data["organization_name"], "confirm_url": data["confirm_url"]}
    services.plan_emails(session, event, "registration_confirm", [addressee], context)


def on_contact_updated(session: Session, event: Envelope) -> None:
    services.update_recipient_contact(session, event.data)


HANDLERS: Handlers = {
    ("network.organization.registration_requested", 1): on_registration_requested,
    ("network.contact.updated", 1): on_contact_updated,
}
