"""Notifications' handlers for network's subscription and KI-event events."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from services.notifications import domain, services
from shared.events import Envelope
from shared.inbox import Handlers


def on_contact_optin_requested(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], data["name"], (data["language"],))
    context = {"confirm_url": data["confirm_url"], "preferences_url": data.get("preferences_url", "")}
    services.plan_emails(session, event, "subscription_confirm", [addressee], context)


def on_contact_subscribed(session: Session, event: Envelope) -> None:
    recipient = services.upsert_recipient(session, event.data)
    if event.data.get("preferences_url"):
        recipient.preferences_url = event.data["preferences_url"]


def on_contact_unsubscribed(session: Session, event: Envelope) -> None:
    services.unsubscribe_recipient(session, event.data["contact_id"])


def on_contact_erased(session: Session, event: Envelope) -> None:
    services.erase_recipient(session, event.data["contact_id"])


def on_registration_changed(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], data["name"], (data["language"],))
    context = {
        **{key: data.get(key) for key in ("title", "place", "online_url", "status", "reason", "position")},
        "starts": _berlin(data["starts_at"]),
        "ends": _berlin(data["ends_at"]),
        "cancel_url": data.get("cancel_url", ""),
    }
    services.plan_emails(session, event, "ki_event_registration", [addressee], context)


def _berlin(moment: str) -> str:
    """Participants read times as they are in NRW."""
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M")


HANDLERS: Handlers = {
    ("network.contact.optin_requested", 1): on_contact_optin_requested,
    ("network.contact.subscribed", 1): on_contact_subscribed,
    ("network.contact.unsubscribed", 1): on_contact_unsubscribed,
    ("network.contact.erased", 1): on_contact_erased,
    ("network.event.registration_changed", 1): on_registration_changed,
}
