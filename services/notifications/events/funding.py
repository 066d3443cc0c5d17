"""Notifications' handlers for funding's events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.notifications import services
from services.notifications.config import portal_url
from shared.events import Envelope
from shared.inbox import Handlers


def on_application_approved(session: Session, event: Envelope) -> None:
    _tell_contacts(session, event, "application_approved", approved_cents=event.data["approved_cents"])


def on_changes_requested(session: Session, event: Envelope) -> None:
    _tell_contacts(session, event, "application_changes_requested", comment=event.data["comment"])


def on_application_rejected(session: Session, event: Envelope) -> None:
    _tell_contacts(session, event, "application_rejected", reasons=event.data["reasons"])


def _tell_contacts(session: Session, event: Envelope, kind: str, **details: Any) -> None:
    """An email of ``kind`` to each contact person of the application's organisation."""
    data = event.data
    recipients = services.contacts_of_organization(session, data["organization_id"])
    context = {
        "title": data["title"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}",
        **details,
    }
    services.plan_emails(session, event, kind, services.addressees_of(recipients), context)


HANDLERS: Handlers = {
    ("funding.application.approved", 1): on_application_approved,
    ("funding.application.changes_requested", 1): on_changes_requested,
    ("funding.application.rejected", 1): on_application_rejected,
}
