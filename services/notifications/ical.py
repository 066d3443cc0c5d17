"""iCalendar invitations (RFC 5545/5546) for KI events: METHOD:REQUEST when an event is announced
or changed, METHOD:CANCEL when it is called off; a digest carries its events in one METHOD:PUBLISH.

The UID and SEQUENCE come from network (``<event id>@teilhabe``, raised by one on every change), so
a calendar replaces its entry on an update and removes it on a cancellation, however many emails
about the event a person received. Times are written in Europe/Berlin with its VTIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from shared.db import utcnow

BERLIN = ZoneInfo("Europe/Berlin")
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
PRODID = "-//Kommunales Integrationszentrum//Teilhabe Benachrichtigungen//DE"


@dataclass(frozen=True)
class KiEvent:
    """What an invitation needs to know about a KI event (from any of network's event payloads)."""

    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> KiEvent:
        return cls(
            uid=data["uid"],
            sequence=int(data["sequence"]),
            title=data["title"],
            starts_at=_aware(data["starts_at"]),
            ends_at=_aware(data["ends_at"]),
            place=data.get("place") or "",
            online_url=data.get("online_url") or "",
        )


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


def invitation(
    event: KiEvent, method: str, organizer: str, attendee: Attendee | None = None, now: datetime | None = None
) -> str:
    """The text of a one-event calendar with ``method`` (REQUEST or CANCEL).

    ``organizer`` is the sender, e.g. ``Kommunales Integrationszentrum <noreply@ki.example>``;
    ``attendee`` the registered participant the email goes to (announcements to subscribers name
    none: they are told about the event, not registered for it).
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(_vevent(event, method, organizer, attendee, now or utcnow()))
    cal.add_missing_timezones()  # the VTIMEZONE for Europe/Berlin that DTSTART/DTEND refer to
    return cal.to_ical().decode("utf-8")


def digest_calendar(invitations: list[str]) -> str:
    """One calendar (METHOD:PUBLISH) for a digest: the latest state (highest SEQUENCE, then the
    later item) of each KI event its items' invitations carry, a cancelled one with
    STATUS:CANCELLED so calendars that hold it mark it called off; "" without any."""
    latest: dict[str, icalendar.Event] = {}
    for text in invitations:
        for entry in icalendar.Calendar.from_ical(text).walk("VEVENT"):
            uid = str(entry["UID"])
            if uid not in latest or int(entry.get("SEQUENCE", 0)) >= int(latest[uid].get("SEQUENCE", 0)):
                latest[uid] = entry
    if not latest:
        return ""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", PUBLISH)
    for entry in latest.values():
        cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def _vevent(
    event: KiEvent, method: str, organizer: str, attendee: Attendee | None, now: datetime
) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", now)
    entry.add("dtstart", event.starts_at.astimezone(BERLIN))
    entry.add("dtend", event.ends_at.astimezone(BERLIN))
    entry.add("summary", event.title)
    entry.add("location", event.place or event.online_url)
    if event.online_url:
        entry.add("url", event.online_url)
    entry.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    entry.add("organizer", _address(organizer), parameters=_common_name(organizer))
    if attendee is not None:
        parameters = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"}
        if attendee.name:
            parameters["CN"] = attendee.name
        entry.add("attendee", f"mailto:{attendee.email}", parameters=parameters)
    return entry


def _address(sender: str) -> str:
    return f"mailto:{parseaddr(sender)[1]}"


def _common_name(sender: str) -> dict[str, str]:
    name = parseaddr(sender)[0]
    return {"CN": name} if name else {}


def _aware(moment: datetime | str) -> datetime:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    if value.tzinfo is None:
        raise ValueError(f"a KI event time needs a time zone, got {moment!r}")
    return value
