"""After erasure notifications forgets the person and never mails the address again (real workers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.network.services import registry
from services.notifications.models import Email, Recipient
from shared.db import transaction
from shared.events import make_envelope
from shared.events.samples import load_sample
from tests.conftest import Stack
from tests.support import builders
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

ERASED = "zweite@bruecken.example"


def recipients(stack: Stack) -> set[str]:
    with builders.session_factory(stack.apps.notifications)() as session:
        return set(session.scalars(select(Recipient.email)))


def approve(stack: Stack, organization_id: str, title: str) -> None:
    """Funding's approval event, as funding's relay would send it to notifications."""
    data = {**load_sample("funding.application.approved", 1)["data"], "organization_id": organization_id}
    envelope = make_envelope("funding.application.approved", 1, {**data, "title": title}, "funding", None)
    celery = stack.apps.funding.extensions["teilhabe"].celery
    celery.send_task(
        "notifications.handle_event", kwargs={"envelope": envelope.as_dict()}, queue="notifications"
    )


def test_an_erased_contact_person_gets_no_more_mail_and_leaves_no_address_in_the_log(stack: Stack) -> None:
    organisation = builders.verified_organisation(
        stack.apps.network, "Brückenbau e.V.", "kontakt@bruecken.example"
    )
    with transaction(builders.session_factory(stack.apps.network)) as session:
        erased_id = registry.add_subscribed_contact(
            session, "Zweite Person", ERASED, "de", [organisation.id], ["ki_events"], ["Köln-Mülheim"]
        ).id
    wait_until(
        lambda: recipients(stack) == {"kontakt@bruecken.example", ERASED}, timeout=20, what="recipients"
    )
    approve(stack, organisation.id, "Erstes Projekt")
    stack.mailbox.wait_for(2, timeout=20)

    admin = stack.apps.client("network")
    response = admin.post(
        f"/network/api/v1/gdpr/contacts/{erased_id}/erase",
        json={"reason": "Antrag nach Art. 17 DSGVO"},
        headers=_admin_headers(stack),
    )
    assert response.status_code == 200, response.json
    wait_until(lambda: recipients(stack) == {"kontakt@bruecken.example"}, timeout=20, what="the erasure")
    approve(stack, organisation.id, "Zweites Projekt")

    messages = stack.mailbox.wait_for(3, timeout=20)
    assert [m.recipients for m in messages if "Zweites Projekt" in m.subject] == [
        ("kontakt@bruecken.example",)
    ]
    with builders.session_factory(stack.apps.notifications)() as session:
        logged = list(session.scalars(select(Email.recipient)))
    # Emails are planned in the handler's one transaction: all rows of the second event exist now.
    assert len(logged) == 3
    assert ERASED not in logged and f"erased-{erased_id}@invalid" in logged


def _admin_headers(stack: Stack) -> dict[str, str]:
    builders.user(stack.apps.network, "admin@ki.example", ["admin"])
    return builders.login(stack.apps.client("network"), "admin@ki.example")
