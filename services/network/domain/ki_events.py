"""KI-event rules that need no database: times, places, status changes, seats and waiting list."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from shared.errors import Conflict, Invalid

BERLIN = ZoneInfo("Europe/Berlin")
UID_DOMAIN = "teilhabe"
CANCEL_PURPOSE = "ki-event-registration-cancel"
CANCEL_MAX_AGE = 2 * 365 * 24 * 3600


def uid(event_id: str) -> str:
    """The iCalendar UID: stable for the event's whole life, so updates replace the entry."""
    return f"{event_id}@{UID_DOMAIN}"


def in_berlin(moment: datetime) -> datetime:
    """A time as people in NRW read it; a naive input is taken as Berlin wall-clock time."""
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment.astimezone(BERLIN)


def check_details(starts_at: datetime, ends_at: datetime, place: str, online_url: str) -> None:
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = ["the end must be after the start"]
    if not place.strip() and not online_url.strip():
        errors["place"] = ["give a place or an online link"]
    if errors:
        raise Invalid(errors)


def check_can_publish(status: str) -> None:
    if status != "draft":
        raise Conflict(f"an event in status {status!r} cannot be published", field="status")


def check_can_change(status: str) -> None:
    if status == "cancelled":
        raise Conflict("a cancelled event cannot be changed", field="status")


def check_can_cancel(status: str) -> None:
    if status != "published":
        raise Conflict(f"an event in status {status!r} cannot be cancelled", field="status")


def check_open_for_registration(status: str, ends_at: datetime, now: datetime) -> None:
    if status != "published":
        raise Conflict("this event takes no registrations", field="event_id")
    if ends_at <= now:
        raise Conflict("this event is over", field="event_id")


def seat_status(capacity: int | None, confirmed: int) -> str:
    """A seat if one is left, else a place on the waiting list."""
    return "confirmed" if capacity is None or confirmed < capacity else "waitlisted"


def calendar(events: list[Any], name: str, now: datetime) -> bytes:
    """An RFC 5545 calendar of KI events (anything with KiEvent's attributes), times in Berlin."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Kommunales Integrationszentrum//Teilhabe//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    for event in events:
        cal.add_component(_vevent(event, now))
    cal.add_missing_timezones()  # one VTIMEZONE for Europe/Berlin, which every TZID refers to
    return cal.to_ical()


def _vevent(event: Any, now: datetime) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", uid(event.id))
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now)
    entry.add("last-modified", event.updated_at)
    entry.add("dtstart", in_berlin(event.starts_at))
    entry.add("dtend", in_berlin(event.ends_at))
    entry.add("summary", event.title)
    if event.description:
        entry.add("description", event.description)
    entry.add("location", event.place or event.online_url)
    if event.online_url:
        entry.add("url", event.online_url)
    entry.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return entry
