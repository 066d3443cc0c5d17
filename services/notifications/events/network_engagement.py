"""Notifications' handlers for network's subscription and KI-event events."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import services
from shared.events import Envelope
from shared.inbox import Handlers


def on_contact_subscribed(session: Session, event: Envelope) -> None:
    services.upsert_recipient(session, event.data)


HANDLERS: Handlers = {
    ("network.contact.subscribed", 1): on_contact_subscribed,
}
