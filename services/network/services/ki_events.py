"""KI-event use cases: staff plan and publish events, people register without an account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.network.domain import gdpr
from services.network.domain import ki_events as domain
from services.network.models import KiEvent, Registration, outbox
from services.network.services import subscriptions
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.signing import BadToken, sign, unsign

DETAIL_FIELDS = (
    "title", "description", "starts_at", "ends_at", "place", "online_url",
    "languages", "capacity", "topics", "districts",
)  # fmt: skip


@dataclass(frozen=True)
class Links:
    """Signed cancel links for participants without an account; ``base_url`` is the public address."""

    secret: str
    base_url: str

    def cancel_token(self, registration: Registration) -> str:
        return sign(self.secret, domain.CANCEL_PURPOSE, {"r": registration.id})

    def cancel_url(self, registration: Registration) -> str:
        path = f"/network/ki-events/{registration.event_id}/registrations/{registration.id}/cancel"
        return f"{self.base_url}{path}?{urlencode({'token': self.cancel_token(registration)})}"

    def allows(self, token: str, registration_id: str) -> bool:
        try:
            data = unsign(self.secret, domain.CANCEL_PURPOSE, token, domain.CANCEL_MAX_AGE)
        except BadToken:
            return False
        return data.get("r") == registration_id


def create_event(session: Session, details: dict[str, Any]) -> KiEvent:
    event = KiEvent(status="draft", sequence=0)
    _set_details(event, details)
    subscriptions.check_choices(session, event.topics, event.districts)
    session.add(event)
    session.flush()
    return event


def _details(event: KiEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in DETAIL_FIELDS}


def _set_details(event: KiEvent, details: dict[str, Any]) -> None:
    for name in DETAIL_FIELDS:
        if name in details:
            value = details[name]
            if name in ("starts_at", "ends_at"):
                value = domain.in_berlin(value)
            setattr(event, name, value)
    domain.check_details(event.starts_at, event.ends_at, event.place or "", event.online_url or "")
    event.updated_at = utcnow()


def update_event(session: Session, links: Links, event_id: str, changes: dict[str, Any]) -> KiEvent:
    """A change to a published event is a new revision: calendars replace the old one."""
    event = _locked(session, event_id)
    domain.check_can_change(event.status)
    before = _details(event)
    _set_details(event, changes)
    subscriptions.check_choices(session, event.topics, event.districts)
    if event.status == "published" and _details(event) != before:
        event.sequence += 1
        outbox.record(session, "network.event.updated", 1, payload(event))
        _tell_participants(session, links, event, "event_updated")
    _fill_seats(session, links, event)
    return event


def publish_event(session: Session, event_id: str) -> KiEvent:
    event = _locked(session, event_id)
    domain.check_can_publish(event.status)
    event.status, event.published_at, event.updated_at = "published", utcnow(), utcnow()
    outbox.record(session, "network.event.published", 1, payload(event))
    return event


def cancel_event(session: Session, links: Links, event_id: str) -> KiEvent:
    event = _locked(session, event_id)
    domain.check_can_cancel(event.status)
    event.status, event.cancelled_at, event.updated_at = "cancelled", utcnow(), utcnow()
    event.sequence += 1
    outbox.record(session, "network.event.cancelled", 1, payload(event))
    _tell_participants(session, links, event, "event_cancelled")
    return event


def payload(event: KiEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "uid": domain.uid(event.id),
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "place": event.place,
        "online_url": event.online_url,
        "topics": list(event.topics),
        "districts": list(event.districts),
        "languages": list(event.languages),
        "sequence": event.sequence,
    }


def get_event(session: Session, event_id: str, staff: bool) -> KiEvent:
    """Drafts are the staff's business: to everyone else they do not exist."""
    event = session.get(KiEvent, event_id)
    if event is None or (event.published_at is None and not staff):
        raise NotFound("no such event", field="event_id")
    return event


def list_events(session: Session, staff: bool) -> list[KiEvent]:
    query = select(KiEvent).order_by(KiEvent.starts_at, KiEvent.id)
    if not staff:
        query = query.where(KiEvent.published_at.is_not(None))
    return list(session.scalars(query))


def feed_events(session: Session, topic: str) -> list[KiEvent]:
    """Published and cancelled events on a topic: a cancellation must reach calendars too."""
    events = session.scalars(
        select(KiEvent).where(KiEvent.published_at.is_not(None)).order_by(KiEvent.starts_at, KiEvent.id)
    )
    return [event for event in events if topic in event.topics]


def _locked(session: Session, event_id: str) -> KiEvent:
    # Every change to an event or its seats holds the event row: seats are counted, then taken.
    event = session.scalar(select(KiEvent).where(KiEvent.id == event_id).with_for_update())
    if event is None:
        raise NotFound("no such event", field="event_id")
    return event


def register(session: Session, links: Links, event_id: str, person: dict[str, Any]) -> Registration:
    """A seat if one is left, else the waiting list; never more seats than the capacity."""
    event = _locked(session, event_id)
    if event.published_at is None:
        raise NotFound("no such event", field="event_id")
    domain.check_open_for_registration(event.status, event.ends_at, utcnow())
    email = person["email"].strip().lower()
    if _active_registration(session, event_id, email) is not None:
        raise Conflict("this address is already registered for the event", field="email")
    status = domain.seat_status(event.capacity, _count(session, event_id, "confirmed"))
    registration = Registration(
        event_id=event_id, name=person["name"], email=email, language=person["language"], status=status,
        confirmed_at=utcnow() if status == "confirmed" else None,
    )  # fmt: skip
    session.add(registration)
    session.flush()
    _tell(session, links, event, registration, "registered")
    return registration


def _active_registration(session: Session, event_id: str, email: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.status != "cancelled",
        )
    )


def _count(session: Session, event_id: str, status: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(Registration.event_id == event_id, Registration.status == status)
        )
        or 0
    )


def cancel_registration(
    session: Session, links: Links, event_id: str, registration_id: str, allowed: bool
) -> Registration:
    """Cancel a registration (``allowed``: staff, or a valid cancel token); the waiting list moves up."""
    if not allowed:
        raise Forbidden("a valid cancel token is needed", field="token")
    event = _locked(session, event_id)
    registration = registration_of(session, event_id, registration_id)
    if registration.status == "cancelled":
        raise NotFound("no such registration", field="registration_id")
    registration.status, registration.cancelled_at = "cancelled", utcnow()
    session.flush()
    _tell(session, links, event, registration, "cancelled")
    _fill_seats(session, links, event)
    return registration


def registration_of(session: Session, event_id: str, registration_id: str) -> Registration:
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise NotFound("no such registration", field="registration_id")
    return registration


def _fill_seats(session: Session, links: Links, event: KiEvent) -> None:
    free = None if event.capacity is None else event.capacity - _count(session, event.id, "confirmed")
    waiting = _waiting_list(session, event.id)
    for registration in waiting if free is None else waiting[: max(free, 0)]:
        registration.status, registration.confirmed_at = "confirmed", utcnow()
        _tell(session, links, event, registration, "moved_up")


def _tell_participants(session: Session, links: Links, event: KiEvent, reason: str) -> None:
    for registration in registrations(session, event.id):
        if registration.status != "cancelled":
            _tell(session, links, event, registration, reason)


def _tell(session: Session, links: Links, event: KiEvent, registration: Registration, reason: str) -> None:
    """One email to the participant about their place, through notifications."""
    if gdpr.is_placeholder(registration.email):
        return  # the person was erased: nobody to write to
    data = {
        **{
            key: value
            for key, value in payload(event).items()
            if key not in ("id", "topics", "districts", "languages")
        },
        "registration_id": registration.id,
        "event_id": event.id,
        "name": registration.name,
        "email": registration.email,
        "language": registration.language,
        "status": registration.status,
        "reason": reason,
        "position": position(session, registration),
    }
    if registration.status != "cancelled" and event.status != "cancelled":
        data["cancel_url"] = links.cancel_url(registration)
    outbox.record(session, "network.event.registration_changed", 1, data)


def _waiting_list(session: Session, event_id: str) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(Registration.created_at, Registration.id)
        )
    )


def position(session: Session, registration: Registration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if registration.status != "waitlisted":
        return None
    ids = [r.id for r in _waiting_list(session, registration.event_id)]
    return ids.index(registration.id) + 1


def registrations(session: Session, event_id: str) -> list[Registration]:
    get_event(session, event_id, staff=True)
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.created_at, Registration.id)
        )
    )
