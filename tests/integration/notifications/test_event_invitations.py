"""KI-event emails carry an iCalendar invitation, end to end: staff publish, change and cancel an event
through network's API; network's events travel through the real relay, Redis and workers; the mail
server receives the emails and their .ics is read with the icalendar library, as a calendar would.

Subscribers of the event's topic and district get the announcement (newsletter); a registered
participant gets the same calendar entry about their place (administrative, named as ATTENDEE)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask.testing import FlaskClient

from services.notifications.models import Recipient
from shared.mailbox import ReceivedMessage
from tests.conftest import Stack
from tests.integration.notifications import helpers
from tests.support import builders
from tests.support.tokens import TokenMaker
from tests.support.waiting import wait_until

API = "/network/api/v1"
SUBSCRIBER = "ayse@verein.example"
ELSEWHERE = "porz@verein.example"
PARTICIPANT = "olena@nova-hata.example"
BERLIN = ZoneInfo("Europe/Berlin")


def invitation(message: ReceivedMessage) -> tuple[str, icalendar.Calendar, icalendar.Event]:
    """The calendar part's METHOD parameter and the calendar it carries."""
    [part] = [p for p in message.parsed().walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    return part.get_param("method"), calendar, event


def to(address: str, count: int, stack: Stack) -> list[ReceivedMessage]:
    """Wait for the ``count``-th message to ``address`` (the worker sends them in their own time)."""
    return stack.mailbox.wait_for(count, timeout=30, predicate=lambda m: m.recipients == (address,))


def subscribe(
    stack: Stack, network: FlaskClient, email: str, district: str, language: str, name: str
) -> None:
    """Subscribe through network's public form and confirm, as a person does."""
    form = {
        "email": email,
        "name": name,
        "language": language,
        "topics": ["ki_events"],
        "districts": [district],
        "consent_text_version": "2026-11",
    }
    assert network.post(f"{API}/subscriptions", json=form).status_code == 202
    [confirmation] = to(email, 1, stack)
    token = confirmation.parsed().get_body(("plain",)).get_content().split("token=")[1].split()[0]
    assert network.get(f"{API}/subscriptions/confirm", query_string={"token": token}).status_code == 200

    def known() -> bool:
        with helpers.session_of(stack.apps.notifications) as session:
            return session.query(Recipient).filter_by(email=email).count() == 1

    wait_until(known, timeout=30, what=f"notifications to learn of {email}'s subscription")


@pytest.fixture
def network(stack: Stack) -> FlaskClient:
    builders.seed_taxonomies(stack.apps.network)
    return stack.apps.client("network")


def test_an_event_and_its_change_and_cancellation_update_one_calendar_entry_for_subscribers_and_participants(
    stack: Stack, network: FlaskClient, tokens: TokenMaker
) -> None:
    staff = tokens.headers("caseworker")
    subscribe(stack, network, SUBSCRIBER, "Köln-Mülheim", "tr", "Ayşe Yılmaz")
    subscribe(stack, network, ELSEWHERE, "Köln-Porz", "de", "Paula Porz")
    body = {
        "title": "Fortbildung: Antragstellung leicht gemacht",
        "starts_at": "2030-03-10T18:00:00",  # Berlin wall-clock time
        "ends_at": "2030-03-10T20:00:00",
        "place": "KI Köln, Raum 2.14",
        "topics": ["ki_events"],
        "districts": ["Köln-Mülheim"],
    }
    event_id = network.post(f"{API}/ki-events", json=body, headers=staff).json["id"]

    assert network.post(f"{API}/ki-events/{event_id}/publish", headers=staff).status_code == 200
    [_confirmation, published] = to(SUBSCRIBER, 2, stack)
    person = {"name": "Олена Коваленко", "email": PARTICIPANT, "language": "uk"}
    assert network.post(f"{API}/ki-events/{event_id}/registrations", json=person).status_code == 201
    [registered] = to(PARTICIPANT, 1, stack)

    changed = network.patch(
        f"{API}/ki-events/{event_id}", json={"place": "KI Köln, Raum 3.01"}, headers=staff
    )
    assert changed.status_code == 200
    updated = to(SUBSCRIBER, 3, stack)[-1]
    participant_updated = to(PARTICIPANT, 2, stack)[-1]

    assert network.post(f"{API}/ki-events/{event_id}/cancel", headers=staff).status_code == 200
    cancelled = to(SUBSCRIBER, 4, stack)[-1]
    participant_cancelled = to(PARTICIPANT, 3, stack)[-1]

    subscriber_mails = [published, updated, cancelled]
    participant_mails = [registered, participant_updated, participant_cancelled]
    for mails in (subscriber_mails, participant_mails):
        invitations = [invitation(m) for m in mails]
        assert [method for method, _c, _e in invitations] == ["REQUEST", "REQUEST", "CANCEL"]
        assert [str(c["METHOD"]) for _m, c, _e in invitations] == ["REQUEST", "REQUEST", "CANCEL"]
        assert {str(e["UID"]) for _m, _c, e in invitations} == {f"{event_id}@teilhabe"}
        assert [int(e["SEQUENCE"]) for _m, _c, e in invitations] == [0, 1, 2]
        for _method, calendar, event in invitations:
            assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
            assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
            assert event.decoded("DTSTART") == datetime(2030, 3, 10, 18, 0, tzinfo=BERLIN)
        assert "Raum 3.01" in str(invitations[1][2]["LOCATION"])
        assert str(invitations[2][2]["STATUS"]) == "CANCELLED"

    # The subscriber reads Turkish newsletter mail with a one-click unsubscribe ...
    assert published.subject == "Davet: Fortbildung: Antragstellung leicht gemacht"
    assert cancelled.parsed()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # ... the participant Ukrainian mail about their own place, named in the invitation.
    attendee = invitation(registered)[2]["ATTENDEE"]
    assert (str(attendee), attendee.params["CN"]) == (f"mailto:{PARTICIPANT}", "Олена Коваленко")
    assert registered.subject == "Ваше місце: Fortbildung: Antragstellung leicht gemacht"
    assert registered.parsed()["List-Unsubscribe"] is None
    # A subscriber of another district heard nothing but their own confirmation.
    assert len([m for m in stack.mailbox.messages() if m.recipients == (ELSEWHERE,)]) == 1
