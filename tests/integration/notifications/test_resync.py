"""Resync through the real workers: a fresh notifications database asks network (by task name)
for every contact person again, gets them back as events, and then mails them while network is down."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.network.models import Affiliation, Consent, ContactPerson, Organization, Subscription
from services.notifications.models import Recipient
from shared.db import utcnow
from tests.conftest import Stack
from tests.integration.notifications import helpers
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"  # the golden samples' applicant organisation


def network_without_events(stack: Stack) -> None:
    """What network holds that notifications never heard of: rows written without any event."""
    confirmed = utcnow()
    with helpers.session_of(stack.apps.network) as session:
        session.add(Organization(id=ORG, name="Brückenbau e.V.", district="Köln-Mülheim", status="verified"))
        people = [
            ContactPerson(name="Ayşe Yılmaz", email="ayse@bruecken.example", language="tr"),
            ContactPerson(name="Olena Koval", email="olena@bruecken.example", language="uk"),
            ContactPerson(name="Gelöscht", email="weg@bruecken.example", erased_at=confirmed),
        ]
        session.add_all(people)
        session.flush()
        session.add_all(Affiliation(contact_id=p.id, organization_id=ORG) for p in people[:2])
        session.add(
            Subscription(
                contact_id=people[0].id,
                topics=["funding_calls"],
                districts=["Köln-Mülheim"],
                confirmed_at=confirmed,
            )
        )
        proof = json.dumps({"confirmed_at": confirmed.isoformat()})
        session.add(
            Consent(
                contact_id=people[0].id, purpose="subscription", method="form", text_version="1", proof=proof
            )
        )


def recipients(stack: Stack) -> dict[str, Recipient]:
    with helpers.session_of(stack.apps.notifications) as session:
        rows = session.scalars(select(Recipient).options(selectinload(Recipient.organizations)))
        return {r.email: r for r in rows}


def test_a_fresh_notifications_database_gets_every_contact_back_from_network(stack: Stack) -> None:
    network_without_events(stack)
    assert recipients(stack) == {}

    celery = stack.apps.notifications.extensions["teilhabe"].celery
    celery.send_task(
        "notifications.request_resync", kwargs={"resync_id": "test-resync"}, queue="notifications"
    )

    found = wait_until(
        lambda: len(recipients(stack)) == 2 and recipients(stack), timeout=40, what="the snapshots"
    )
    ayse, olena = found["ayse@bruecken.example"], found["olena@bruecken.example"]
    assert (ayse.language, ayse.topics, ayse.districts) == ("tr", ["funding_calls"], ["Köln-Mülheim"])
    assert ayse.consent_confirmed_at is not None and ayse.consent_source == "double_opt_in"
    assert "/network/preferences?token=" in ayse.preferences_url
    assert (olena.topics, olena.consent_confirmed_at) == ([], None)
    assert [o.organization_id for o in olena.organizations] == [ORG]


def test_after_a_resync_decisions_reach_the_contacts_while_network_is_down(stack: Stack) -> None:
    network_without_events(stack)
    celery = stack.apps.notifications.extensions["teilhabe"].celery
    celery.send_task("notifications.request_resync", queue="notifications")
    wait_until(lambda: len(recipients(stack)) == 2, timeout=40, what="the snapshots")
    stack.workers["network"].stop()

    approved = helpers.event("funding.application.approved")
    celery.send_task(
        "notifications.handle_event", kwargs={"envelope": approved.as_dict()}, queue="notifications"
    )

    received = stack.mailbox.wait_for(2, timeout=30)
    assert sorted(m.recipients[0] for m in received) == ["ayse@bruecken.example", "olena@bruecken.example"]
    assert {m.parsed()["Content-Language"] for m in received} <= {"de", "tr", "uk"}
