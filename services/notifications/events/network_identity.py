"""Notifications' handlers for network's identity events: ended sessions, password-reset emails."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import domain, services
from shared.events import Envelope
from shared.inbox import Handlers
from shared.revocation import on_sessions_revoked


def on_password_reset_requested(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], "", (data["language"],))
    context = {
        "reset_url": data["reset_url"],
        "valid_minutes": 60,
        "email": data["email"],
        "invitation": bool(data.get("invitation")),
    }
    services.plan_emails(session, event, "password_reset", [addressee], context)


HANDLERS: Handlers = {
    ("network.user.sessions_revoked", 1): on_sessions_revoked,
    ("network.user.password_reset_requested", 1): on_password_reset_requested,
}
