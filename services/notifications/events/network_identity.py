"""Notifications' handlers for network's identity events: ended sessions, password-reset emails,
the accounts' current state."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.services import planning, recipients
from shared.events import Envelope
from shared.inbox import Handlers
from shared.revocation import on_sessions_revoked


def on_password_reset_requested(session: Session, event: Envelope) -> None:
    """Administrative: the person asked for it (or an admin invited them). The user's address is
    remembered, so mail about what the user does later (e.g. a submitted application) reaches them."""
    data = event.data
    recipients.remember_user(session, str(data["user_id"]), data["email"], data["language"])
    addressee = domain.Addressee(data["email"], "", (data["language"],))
    context = {
        "reset_url": data["reset_url"],
        "valid_minutes": 60,
        "email": data["email"],
        "invitation": bool(data.get("invitation")),
    }
    planning.plan_emails(
        session, event, "password_reset", [addressee], context, purpose=domain.ADMINISTRATIVE
    )


def on_user_updated(session: Session, event: Envelope) -> None:
    """Keep our copy of the account current: its address, and its roles for staff mail."""
    recipients.apply_user_update(session, event.data, event.occurred)


HANDLERS: Handlers = {
    ("network.user.sessions_revoked", 1): on_sessions_revoked,
    ("network.user.password_reset_requested", 1): on_password_reset_requested,
    ("network.user.updated", 1): on_user_updated,
}
