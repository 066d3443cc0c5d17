"""Digests: a contact who chose a daily or weekly digest gets newsletter items collected into one
email per period, each item once, in their language; administrative mail still comes at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from services.notifications import delivery, digests, domain
from services.notifications.mailer import SmtpSettings
from services.notifications.models import DigestItem
from services.notifications.services import planning
from shared.db import utcnow
from shared.mailbox import SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.integration.notifications.helpers import APPROVED
from tests.support import builders

ADDRESS = "ayse@bruecken.example"


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)


def announce(apps: Apps, title: str, purpose: str = "newsletter") -> int:
    event = helpers.event("funding.call.published", districts=[])
    addressee = [domain.Addressee(ADDRESS, "Ayşe Yılmaz", ("tr",))]
    with helpers.session_of(apps.notifications) as session:
        context = {**APPROVED, "title": title}
        return planning.plan_emails(
            session, event, "application_approved", addressee, context, purpose=purpose
        )


def assemble(apps: Apps, now: datetime) -> int:
    with helpers.session_of(apps.notifications) as session:
        return digests.assemble_digests(session, now)


def waiting_items(apps: Apps) -> list[DigestItem]:
    with helpers.session_of(apps.notifications) as session:
        return list(session.scalars(select(DigestItem).where(DigestItem.digest_id.is_(None))))


def test_newsletter_items_wait_for_the_digest_instead_of_being_sent(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, language="tr", digest="daily")

    planned = [announce(apps, "Aufruf A"), announce(apps, "Aufruf B")]

    assert planned == [0, 0]
    assert helpers.emails(apps.notifications) == []
    assert len(waiting_items(apps)) == 2


def test_a_daily_digest_goes_out_once_the_day_is_over_with_each_item_once(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, language="tr", digest="daily")
    announce(apps, "Aufruf A")
    announce(apps, "Aufruf B")

    same_day = assemble(apps, utcnow())
    next_day = assemble(apps, utcnow() + timedelta(days=1))
    again = assemble(apps, utcnow() + timedelta(days=1))
    delivery.deliver_pending(builders.session_factory(apps.notifications), smtp)

    assert (same_day, next_day, again) == (0, 1, 0)
    [received] = smtp_server.mailbox.wait_for(1)
    message = received.parsed()
    text = message.get_body(("plain",)).get_content()
    assert received.recipients == (ADDRESS,)
    assert message["Subject"].startswith("Günlük özetiniz – ")
    assert text.count("Aufruf A") >= 1 and text.count("Aufruf B") >= 1
    assert text.count("== ") == 2  # one section per item
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [e.event_type for e in helpers.emails(apps.notifications)] == ["notifications.digest"]


def test_an_item_after_the_digest_was_assembled_goes_into_the_next_one(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, digest="daily")
    announce(apps, "Aufruf A")
    assemble(apps, utcnow() + timedelta(days=1))

    announce(apps, "Aufruf B")
    assemble(apps, utcnow() + timedelta(days=2))

    digests = helpers.emails(apps.notifications)
    assert len(digests) == 2
    assert ["Aufruf A" in d.body_text for d in digests] == [True, False]
    assert ["Aufruf B" in d.body_text for d in digests] == [False, True]


def test_a_weekly_digest_waits_for_the_end_of_the_week(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, digest="weekly")
    announce(apps, "Aufruf A")
    monday_next_week = utcnow() + timedelta(days=7 - utcnow().astimezone(domain.BERLIN).weekday())

    during_the_week = assemble(apps, utcnow() + timedelta(hours=1))
    next_week = assemble(apps, monday_next_week + timedelta(hours=1))

    assert (during_the_week, next_week) == (0, 1)
    [digest] = helpers.emails(apps.notifications)
    assert digest.subject.startswith("Ihre wöchentliche Übersicht – ")


def test_administrative_mail_to_a_digest_reader_is_not_held_back(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, digest="daily")

    assert announce(apps, "Bescheid", purpose="administrative") == 1
    assert waiting_items(apps) == []


def test_a_reader_who_unsubscribes_before_the_digest_gets_none(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS, digest="daily")
    announce(apps, "Aufruf A")
    helpers.deliver(apps.notifications, helpers.event("network.contact.unsubscribed", contact_id=contact_id))

    assert assemble(apps, utcnow() + timedelta(days=1)) == 0
    assert helpers.emails(apps.notifications) == []


def test_a_digest_carries_one_calendar_with_the_latest_state_of_each_ki_event(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    districts = tuple(helpers.event("network.event.published").data["districts"])
    helpers.subscribe(apps.notifications, ADDRESS, topics=("ki_events",), districts=districts, digest="daily")
    other = {"id": str(uuid.uuid4()), "uid": f"{uuid.uuid4()}@teilhabe", "title": "Netzwerktreffen"}
    for event in (
        helpers.event("network.event.published"),
        helpers.event("network.event.updated"),
        helpers.event("network.event.published", **other),
        helpers.event("network.event.cancelled", **other, sequence=1),
    ):
        helpers.deliver(apps.notifications, event)

    assemble(apps, utcnow() + timedelta(days=1))
    helpers.send(apps.notifications, smtp)

    [received] = smtp_server.mailbox.wait_for(1)
    [part] = [p for p in received.parsed().walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    entries = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert (part.get_param("method"), str(calendar["METHOD"])) == ("PUBLISH", "PUBLISH")
    assert sorted(entries) == ["Fortbildung: Antragstellung leicht gemacht", "Netzwerktreffen"]
    changed, called_off = entries["Fortbildung: Antragstellung leicht gemacht"], entries["Netzwerktreffen"]
    assert (int(changed["SEQUENCE"]), str(changed["LOCATION"])) == (
        1,
        "KI Köln, Raum 3.01, Venloer Str. 1, 50672 Köln",
    )
    assert (int(called_off["SEQUENCE"]), str(called_off["STATUS"])) == (1, "CANCELLED")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_digest_without_ki_events_carries_no_calendar(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, ADDRESS, digest="daily")
    announce(apps, "Aufruf A")

    assemble(apps, utcnow() + timedelta(days=1))

    [digest] = helpers.emails(apps.notifications)
    assert digest.calendar == ""
