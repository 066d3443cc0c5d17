"""Notifications' handlers for network's subscription and KI-event events.

KI events reach two audiences: subscribers of the event's topics and districts hear about it through
``network.event.published/updated/cancelled`` (newsletter: needs their opt-in), and each registered
participant through ``network.event.registration_changed`` (administrative: their own registration).
Both emails carry an iCalendar invitation with network's UID and SEQUENCE.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from services.notifications import domain, ical
from services.notifications.config import Settings
from services.notifications.services import audiences, participants, planning, recipients
from shared.events import Envelope
from shared.inbox import Handlers


def on_contact_optin_requested(session: Session, event: Envelope) -> None:
    data = event.data
    addressee = domain.Addressee(data["email"], data["name"], (data["language"],))
    context = {"confirm_url": data["confirm_url"], "preferences_url": data.get("preferences_url", "")}
    # Administrative: the confirmation link of a subscription the person just asked for.
    planning.plan_emails(
        session, event, "subscription_confirm", [addressee], context, purpose=domain.ADMINISTRATIVE
    )


def on_contact_subscribed(session: Session, event: Envelope) -> None:
    recipients.apply_subscription(session, event.data, occurred_at=event.occurred)


def on_contact_unsubscribed(session: Session, event: Envelope) -> None:
    recipients.unsubscribe_recipient(session, event.data["contact_id"], occurred_at=event.occurred)


def on_contact_erased(session: Session, event: Envelope) -> None:
    recipients.erase_recipient(session, event.data["contact_id"])


def on_registration_changed(session: Session, event: Envelope) -> None:
    data = event.data
    participants.note_registration(session, data, event.occurred)
    addressee = domain.Addressee(data["email"], data["name"], (data["language"],))
    context = {
        **_event_context(data),
        **{key: data.get(key) for key in ("status", "reason", "position")},
        "cancel_url": data.get("cancel_url", ""),
    }
    attendee = ical.Attendee(data["email"], data["name"])
    calendar = _invitation(data, _participant_method(data), attendee)
    planning.plan_emails(
        session,
        event,
        "ki_event_registration",
        [addressee],
        context,
        purpose=domain.ADMINISTRATIVE,
        calendar=calendar,
    )


def _participant_method(data: dict[str, Any]) -> str:
    """A confirmed place goes into the calendar, a place given back or an event called off comes
    out; a place on the waiting list is no appointment yet ("": no invitation)."""
    if data["reason"] in ("cancelled", "event_cancelled"):
        return ical.CANCEL if data["status"] != "waitlisted" else ""
    return ical.REQUEST if data["status"] == "confirmed" else ""


def on_event_published(session: Session, event: Envelope) -> None:
    _announce(session, event, ical.REQUEST)


def on_event_updated(session: Session, event: Envelope) -> None:
    _announce(session, event, ical.REQUEST)


def on_event_cancelled(session: Session, event: Envelope) -> None:
    _announce(session, event, ical.CANCEL)


def _announce(session: Session, event: Envelope, method: str) -> None:
    """The KI event to the audience domain.ROUTES gives (subscribers of its topics and districts),
    except those holding a place: their registration message tells them."""
    route = domain.route_of(event.type)
    context = {**_event_context(event.data), "change": event.type.rsplit(".", 1)[1]}
    audience = audiences.audience(session, route, event.data)
    planning.plan_emails(
        session,
        event,
        "ki_event",
        participants.without_participants(session, event.data["id"], audience),
        context,
        purpose=route.purpose,
        calendar=_invitation(event.data, method),
    )


def _event_context(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "place": data["place"],
        "online_url": data["online_url"],
        "starts": _berlin(data["starts_at"]),
        "ends": _berlin(data["ends_at"]),
    }


def _invitation(data: dict[str, Any], method: str, attendee: ical.Attendee | None = None) -> str:
    if not method:
        return ""
    organizer = Settings.from_env().smtp.sender
    return ical.invitation(ical.KiEvent.from_payload(data), method, organizer, attendee)


def _berlin(moment: str | datetime) -> str:
    """Participants read times as they are in NRW."""
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return value.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M")


HANDLERS: Handlers = {
    ("network.contact.optin_requested", 1): on_contact_optin_requested,
    ("network.contact.subscribed", 1): on_contact_subscribed,
    ("network.contact.unsubscribed", 1): on_contact_unsubscribed,
    ("network.contact.erased", 1): on_contact_erased,
    ("network.event.registration_changed", 1): on_registration_changed,
    ("network.event.published", 1): on_event_published,
    ("network.event.updated", 1): on_event_updated,
    ("network.event.cancelled", 1): on_event_cancelled,
}
