"""Funding's report-due event reaches the organisation's contact persons by email, once per step."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.funding.models import EligibleOrganization
from services.notifications.models import Recipient
from shared.mailbox.store import ReceivedMessage
from tests.conftest import Stack
from tests.integration.funding.after_approval import at_berlin_noon, beat_pass, report_due
from tests.integration.funding.helpers import ROLES, Desk, outbox_rows
from tests.support import builders
from tests.support.tokens import TokenMaker
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration
CONTACT = "kontakt@bruecken.example"


def about_the_report(message: ReceivedMessage) -> bool:
    return "Verwendungsnachweis" in message.parsed()["Subject"]


@pytest.fixture
def desk(stack: Stack, tokens: TokenMaker) -> Desk:
    organisation = builders.verified_organisation(stack.apps.network, "Brückenbau e.V.", CONTACT)
    funding = builders.session_factory(stack.apps.funding)
    notifications = builders.session_factory(stack.apps.notifications)

    def known() -> bool:
        with funding() as f, notifications() as n:
            return bool(f.get(EligibleOrganization, organisation.id)) and bool(n.scalar(select(Recipient)))

    wait_until(known, what="funding and notifications to learn the organisation from network's events")
    programmes = builders.open_call(stack.apps.funding)
    user_ids = {role: str(uuid.uuid4()) for role in ROLES}
    return Desk(stack.apps.funding, tokens, programmes, organisation.id, user_ids)


def test_a_due_report_and_its_reminder_each_email_the_contact_person_once_in_german(
    stack: Stack, desk: Desk
) -> None:
    application_id = desk.in_state("approved")

    due = report_due(desk, application_id)
    [opened] = stack.mailbox.wait_for(1, timeout=30, predicate=about_the_report)
    beat_pass(desk, at_berlin_noon(due - timedelta(days=7)))
    beat_pass(desk, at_berlin_noon(due - timedelta(days=6)))  # the same step: no second reminder
    messages = stack.mailbox.wait_for(2, timeout=30, predicate=about_the_report)

    due_text = due.strftime("%d.%m.%Y")
    first, reminder = (message.parsed() for message in messages)
    assert [m.recipients for m in messages] == [(CONTACT,), (CONTACT,)]
    assert first["Subject"] == f"Verwendungsnachweis für „Sprachcafé für Eltern“ ist fällig bis {due_text}"
    assert reminder["Subject"].startswith("Erinnerung: Verwendungsnachweis")
    assert first["Content-Language"] == "de"
    assert "noch 7 Tage" in reminder.get_body(("plain",)).get_content()
    assert f"/funding/applications/{application_id}/report" in first.get_body(("html",)).get_content()
    assert opened.recipients == (CONTACT,)
    assert len(outbox_rows(desk.app, "funding.report.due")) == 2
