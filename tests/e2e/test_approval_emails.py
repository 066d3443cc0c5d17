"""From an applicant's submission to the contact person's inbox, through every real part."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from services.funding.models import EligibleOrganization, OutboxMessage
from services.notifications.models import DeadLetter, Email, Recipient
from shared.db import transaction
from shared.events import make_envelope
from tests.conftest import Stack
from tests.support import builders
from tests.support.waiting import wait_until
from tests.support.workers import drop_queue

pytestmark = pytest.mark.integration


@dataclass
class World:
    organisation: builders.Organisation
    call_id: str
    applicant: dict[str, str]
    caseworker: dict[str, str]
    approver: dict[str, str]


@pytest.fixture
def world(stack: Stack) -> World:
    apps = stack.apps
    organisation = builders.verified_organisation(apps.network, "Brückenbau e.V.", "kontakt@bruecken.example")
    builders.user(apps.network, "antrag@bruecken.example", ["applicant"], [organisation.id])
    builders.user(apps.network, "sb@ki.example", ["caseworker"])
    builders.user(apps.network, "leitung@ki.example", ["approver"])
    programmes = builders.open_call(apps.funding)
    network = apps.client("network")
    _wait_for_read_models(stack, organisation.id)
    return World(
        organisation,
        programmes.call_id,
        builders.login(network, "antrag@bruecken.example"),
        builders.login(network, "sb@ki.example"),
        builders.login(network, "leitung@ki.example"),
    )


def _wait_for_read_models(stack: Stack, organization_id: str) -> None:
    funding = builders.session_factory(stack.apps.funding)
    notifications = builders.session_factory(stack.apps.notifications)

    def known() -> bool:
        with funding() as f, notifications() as n:
            return bool(f.get(EligibleOrganization, organization_id)) and bool(n.scalar(select(Recipient)))

    wait_until(known, what="funding and notifications to learn the organisation from network's events")


def approve_application(stack: Stack, world: World, correlation_id: str = "") -> str:
    funding = stack.apps.client("funding")
    body = builders.application_body(world.call_id, world.organisation.id)
    created = funding.post("/funding/api/v1/applications", json=body, headers=world.applicant)
    assert created.status_code == 201, created.json
    application_id = created.json["id"]
    steps = [
        ("submit", {}, world.applicant),
        ("recommend", {"recommended_cents": 400_000}, world.caseworker),
        ("approve", {"comment": "Passt."}, {**world.approver, "X-Correlation-ID": correlation_id}),
    ]
    for action, payload, headers in steps:
        response = funding.post(
            f"/funding/api/v1/applications/{application_id}/{action}", json=payload, headers=headers
        )
        assert response.status_code == 200, (action, response.json)
    return application_id


def about(words: str):  # noqa: ANN201 - a mailbox predicate
    """Messages whose subject says ``words``: submission confirmations arrive beside decisions."""
    return lambda message: words in message.subject


def to_contact(words: str, contact: str = "kontakt@bruecken.example"):  # noqa: ANN201 - a mailbox predicate
    """The contact person's messages whose subject says ``words``: the submitting user, known to
    notifications from network.user.updated, gets a copy of each of their own."""
    return lambda message: message.recipients == (contact,) and words in message.subject


def approved_outbox_row(stack: Stack) -> OutboxMessage | None:
    with builders.session_factory(stack.apps.funding)() as session:
        return session.scalar(
            select(OutboxMessage).where(OutboxMessage.event_type == "funding.application.approved")
        )


def test_approval_emails_the_contact_person_exactly_once_in_german(stack: Stack, world: World) -> None:
    approve_application(stack, world, correlation_id="trace-approval-1")

    [message] = stack.mailbox.wait_for(1, timeout=20, predicate=to_contact("bewilligt"))
    wait_until(
        lambda: (row := approved_outbox_row(stack)) and row.confirmed_at,
        what="notifications to confirm the approved event to funding",
    )
    email = message.parsed()
    assert message.recipients == ("kontakt@bruecken.example",)
    assert email["Subject"] == "Ihr Förderantrag „Sprachcafé für Eltern“ wurde bewilligt"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Content-Language"] == "de"
    assert "4.000,00 €" in email.get_body(("plain",)).get_content()
    assert "4.000,00 €" in email.get_body(("html",)).get_content()
    assert len([m for m in stack.mailbox.messages() if to_contact("bewilligt")(m)]) == 1
    # The submitting user hears too: network.user.updated told notifications the address.
    stack.mailbox.wait_for(1, timeout=20, predicate=to_contact("bewilligt", "antrag@bruecken.example"))
    with builders.session_factory(stack.apps.notifications)() as session:
        approved = select(Email.correlation_id).where(Email.event_type == "funding.application.approved")
        assert session.scalar(approved) == "trace-approval-1"


def test_a_change_request_emails_the_contact_person_in_german_with_the_comment(
    stack: Stack, world: World
) -> None:
    funding = stack.apps.client("funding")
    body = builders.application_body(world.call_id, world.organisation.id)
    created = funding.post("/funding/api/v1/applications", json=body, headers=world.applicant)
    application_id = created.json["id"]
    comment = "Bitte ergänzen Sie die Raummiete im Finanzierungsplan."
    steps = [("submit", {}, world.applicant), ("start_review", {}, world.caseworker)]
    steps.append(("request_changes", {"comment": comment}, world.caseworker))
    for action, payload, headers in steps:
        response = funding.post(
            f"/funding/api/v1/applications/{application_id}/{action}", json=payload, headers=headers
        )
        assert response.status_code == 200, (action, response.json)

    [message] = stack.mailbox.wait_for(1, timeout=20, predicate=to_contact("Bitte ergänzen"))

    email = message.parsed()
    assert message.recipients == ("kontakt@bruecken.example",)
    assert email["Subject"] == "Ihr Förderantrag „Sprachcafé für Eltern“: Bitte ergänzen oder ändern Sie ihn"
    assert email["Content-Language"] == "de"
    text = email.get_body(("plain",)).get_content()
    assert comment in text and f"http://portal.test/funding/applications/{application_id}" in text
    assert comment in email.get_body(("html",)).get_content()


def test_a_rejection_emails_the_reasons_in_the_contacts_language_without_the_letter(stack: Stack) -> None:
    apps = stack.apps
    organisation = builders.verified_organisation(
        apps.network, "Open Doors Initiative", "hello@opendoors.example", "Sam Taylor", language="en"
    )
    builders.user(apps.network, "a@opendoors.example", ["applicant"], [organisation.id])
    builders.user(apps.network, "sb2@ki.example", ["caseworker"])
    builders.user(apps.network, "leitung2@ki.example", ["approver"])
    call_id = builders.open_call(apps.funding).call_id
    _wait_for_read_models(stack, organisation.id)
    network, funding = apps.client("network"), apps.client("funding")
    applicant = builders.login(network, "a@opendoors.example")
    created = funding.post(
        "/funding/api/v1/applications",
        json=builders.application_body(call_id, organisation.id),
        headers=applicant,
    )
    path = f"/funding/api/v1/applications/{created.json['id']}"
    reasons = ["Das Projekt liegt außerhalb des Fördergebiets."]
    steps = [
        ("submit", {}, applicant),
        ("start_review", {}, builders.login(network, "sb2@ki.example")),
        ("reject", {"reasons": reasons}, builders.login(network, "leitung2@ki.example")),
    ]
    for action, payload, headers in steps:
        assert funding.post(f"{path}/{action}", json=payload, headers=headers).status_code == 200, action

    [message] = stack.mailbox.wait_for(
        1, timeout=20, predicate=to_contact("rejected", "hello@opendoors.example")
    )

    email = message.parsed()
    assert message.recipients == ("hello@opendoors.example",)
    assert email["Content-Language"] == "en"
    text = email.get_body(("plain",)).get_content()
    assert reasons[0] in text and f"http://portal.test/funding/applications/{created.json['id']}" in text
    assert not [part for part in email.iter_attachments()]


def test_a_contact_whose_language_has_no_template_reads_the_decision_in_a_language_of_the_organisation(
    stack: Stack, world: World
) -> None:
    apps = stack.apps
    organisation = builders.verified_organisation(
        apps.network,
        "Anjoman-e Farhangi",
        "info@anjoman.example",
        "Dariush Karimi",
        language="fa",
        offers=("ar", "tr"),
    )
    builders.user(apps.network, "antrag@anjoman.example", ["applicant"], [organisation.id])
    _wait_for_read_models(stack, organisation.id)
    applicant = builders.login(apps.client("network"), "antrag@anjoman.example")
    approve_application(
        stack, World(organisation, world.call_id, applicant, world.caseworker, world.approver)
    )

    # the confirmation of the submission and the approval, both in Arabic
    received = stack.mailbox.wait_for(
        2, timeout=20, predicate=lambda message: message.recipients == ("info@anjoman.example",)
    )

    assert [message.parsed()["Content-Language"] for message in received] == ["ar", "ar"]
    assert all(any("\u0600" <= c <= "\u06ff" for c in message.subject) for message in received)


def test_redelivered_approval_event_sends_no_second_email(stack: Stack, world: World) -> None:
    approve_application(stack, world)
    [first] = stack.mailbox.wait_for(1, timeout=20, predicate=to_contact("bewilligt"))
    envelope = approved_outbox_row(stack).envelope
    celery = stack.apps.funding.extensions["teilhabe"].celery

    celery.send_task("notifications.handle_event", kwargs={"envelope": envelope}, queue="notifications")
    # A different event queued behind the duplicate: once its email is here, the duplicate was handled.
    later = make_envelope(
        "funding.application.approved", 1, {**envelope["data"], "title": "Zweites Projekt"}, "funding", None
    )
    celery.send_task(
        "notifications.handle_event", kwargs={"envelope": later.as_dict()}, queue="notifications"
    )

    messages = stack.mailbox.wait_for(2, timeout=20, predicate=to_contact("bewilligt"))
    assert [m.message_id for m in messages].count(first.message_id) == 1
    assert "Zweites Projekt" in messages[1].subject


def test_event_published_while_the_consumer_is_down_arrives_after_it_starts(
    stack: Stack, world: World
) -> None:
    stack.workers["notifications"].stop()
    approve_application(stack, world)
    wait_until(
        lambda: (row := approved_outbox_row(stack)) and row.attempts >= 1,
        what="funding's relay to send the approved event",
    )
    assert stack.mailbox.messages() == []

    stack.workers["notifications"].start()

    stack.mailbox.wait_for(1, timeout=20, predicate=about("bewilligt"))


def test_event_whose_broker_message_was_lost_is_resent_and_arrives_once(stack: Stack, world: World) -> None:
    stack.workers["notifications"].stop()
    approve_application(stack, world)
    wait_until(
        lambda: (row := approved_outbox_row(stack)) and row.attempts >= 1,
        what="funding's relay to send the approved event",
    )
    assert drop_queue(stack.redis(), "notifications") >= 1  # Redis lost what it held

    stack.workers["notifications"].start()

    stack.mailbox.wait_for(1, timeout=30, predicate=about("bewilligt"))
    row = wait_until(
        lambda: (r := approved_outbox_row(stack)) and r.confirmed_at and r,
        what="the re-sent event to be confirmed",
    )
    assert row.attempts >= 2
    assert len([m for m in stack.mailbox.messages() if to_contact("bewilligt")(m)]) == 1


def test_event_with_an_invalid_payload_is_kept_as_a_dead_letter_naming_the_field(stack: Stack) -> None:
    envelope = make_envelope(
        "network.contact.subscribed",
        1,
        {
            "contact_id": "6f1c1c1e-1111-4111-8111-111111111111",
            "email": "a@b.example",
            "name": "A",
            "language": "de",
            "topics": [],
            "districts": [],
            "organization_ids": [],
        },
        "network",
        None,
    ).as_dict()
    envelope["data"]["email"] = "not-an-email"
    celery = stack.apps.network.extensions["teilhabe"].celery

    celery.send_task("notifications.handle_event", kwargs={"envelope": envelope}, queue="notifications")

    factory = builders.session_factory(stack.apps.notifications)

    def dead_letter() -> DeadLetter | None:
        with transaction(factory) as session:
            return session.scalar(select(DeadLetter).where(DeadLetter.event_id == envelope["id"]))

    letter = wait_until(dead_letter, what="the invalid event in the dead letters")
    assert "email" in letter.errors
    with transaction(factory) as session:
        assert session.scalar(select(Recipient)) is None
