"""iCalendar invitations for KI events, read back with the icalendar library as a calendar would."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from services.notifications import ical
from services.notifications.events import network_engagement
from shared.events.samples import load_sample

SENDER = "Kommunales Integrationszentrum <noreply@ki.example>"
BERLIN = ZoneInfo("Europe/Berlin")


def ki_event(event_type: str = "network.event.published", **changes: object) -> ical.KiEvent:
    return ical.KiEvent.from_payload({**load_sample(event_type, 1)["data"], **changes})


def read(text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_an_invitation_is_a_request_with_networks_uid_and_sequence() -> None:
    calendar, event = read(ical.invitation(ki_event(), ical.REQUEST, SENDER))

    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6@teilhabe"
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Fortbildung: Antragstellung leicht gemacht"
    assert str(event["ORGANIZER"]) == "mailto:noreply@ki.example"
    assert event["ORGANIZER"].params["CN"] == "Kommunales Integrationszentrum"


def test_times_are_in_berlin_with_the_berlin_timezone_definition() -> None:
    calendar, event = read(ical.invitation(ki_event(), ical.REQUEST, SENDER))

    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (17, 0)  # 16:00 UTC on 3 December is 17:00 in Berlin
    assert start == datetime(2026, 12, 3, 17, 0, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime(2026, 12, 3, 19, 0, tzinfo=BERLIN)


def test_a_summer_date_keeps_its_berlin_wall_clock_time() -> None:
    summer = ki_event(starts_at="2027-07-01T16:00:00+00:00", ends_at="2027-07-01T18:00:00+00:00")

    _calendar, event = read(ical.invitation(summer, ical.REQUEST, SENDER))

    assert event.decoded("DTSTART") == datetime(2027, 7, 1, 18, 0, tzinfo=BERLIN)


def test_an_update_keeps_the_uid_and_raises_the_sequence() -> None:
    _c, published = read(ical.invitation(ki_event("network.event.published"), ical.REQUEST, SENDER))
    _c, updated = read(ical.invitation(ki_event("network.event.updated"), ical.REQUEST, SENDER))

    assert updated["UID"] == published["UID"]
    assert updated["SEQUENCE"] > published["SEQUENCE"]
    assert "Raum 3.01" in updated["LOCATION"]


def test_a_cancellation_is_a_cancel_of_the_same_entry() -> None:
    calendar, event = read(ical.invitation(ki_event("network.event.cancelled"), ical.CANCEL, SENDER))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6@teilhabe" and event["SEQUENCE"] == 2


def test_a_participant_is_named_as_attendee_with_a_non_latin_name() -> None:
    attendee = ical.Attendee("olena@nova-hata.example", "Олена Коваленко")

    _calendar, event = read(ical.invitation(ki_event(), ical.REQUEST, SENDER, attendee))

    assert str(event["ATTENDEE"]) == "mailto:olena@nova-hata.example"
    assert event["ATTENDEE"].params["CN"] == "Олена Коваленко"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_an_online_event_is_located_at_its_link() -> None:
    online = ki_event(place="", online_url="https://meet.example/ki")

    _calendar, event = read(ical.invitation(online, ical.REQUEST, SENDER))

    assert event["LOCATION"] == "https://meet.example/ki" and event["URL"] == "https://meet.example/ki"


def test_only_request_and_cancel_are_methods() -> None:
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        ical.invitation(ki_event(), "PUBLISH", SENDER)


@pytest.mark.parametrize(
    ("status", "reason", "method"),
    [
        ("confirmed", "registered", "REQUEST"),
        ("confirmed", "moved_up", "REQUEST"),
        ("confirmed", "event_updated", "REQUEST"),
        ("confirmed", "event_cancelled", "CANCEL"),
        ("cancelled", "cancelled", "CANCEL"),
        ("waitlisted", "registered", ""),
        ("waitlisted", "event_updated", ""),
        ("waitlisted", "event_cancelled", ""),
    ],
)
def test_a_participant_gets_the_entry_for_a_confirmed_place_and_its_removal_but_none_for_a_waiting_place(
    status: str, reason: str, method: str
) -> None:
    assert network_engagement._participant_method({"status": status, "reason": reason}) == method
