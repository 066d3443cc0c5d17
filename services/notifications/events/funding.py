"""Notifications' handlers for funding's events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import services
from services.notifications.config import portal_url
from shared.events import Envelope
from shared.inbox import Handlers


def on_application_approved(session: Session, event: Envelope) -> None:
    data = event.data
    recipients = services.contacts_of_organization(session, data["organization_id"])
    context = {
        "title": data["title"],
        "approved_cents": data["approved_cents"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}",
    }
    services.plan_emails(session, event, "application_approved", services.addressees_of(recipients), context)


HANDLERS: Handlers = {
    ("funding.application.approved", 1): on_application_approved,
}
