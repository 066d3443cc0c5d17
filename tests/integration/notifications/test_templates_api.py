"""Templates for staff: the list of message types with their languages, a preview in any language,
and a test send that goes through the real delivery path and shows up in the delivery log."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.notifications.services import suppressions
from tests.conftest import Apps, Stack
from tests.integration.notifications import helpers
from tests.support.tokens import TokenMaker
from tests.support.waiting import wait_until

TEMPLATES = "/notifications/api/v1/templates"


@pytest.fixture
def notifications(apps: Apps) -> FlaskClient:
    return apps.client("notifications")


@pytest.fixture
def staff(tokens: TokenMaker) -> dict[str, str]:
    return tokens.headers("caseworker")


def test_staff_see_every_message_type_with_the_languages_it_has(
    notifications: FlaskClient, staff: dict[str, str]
) -> None:
    response = notifications.get(TEMPLATES, headers=staff)

    assert response.status_code == 200
    by_kind = {row["kind"]: row for row in response.json}
    assert by_kind["call_published"]["languages"] == ["ar", "de", "en", "ru", "tr", "uk"]
    assert by_kind["ki_event"]["languages"] == by_kind["ki_event"]["declared"]
    assert by_kind["application_submitted_staff"]["languages"] == ["de"]


def test_an_arabic_preview_reads_right_to_left_with_the_sample_values(
    notifications: FlaskClient, staff: dict[str, str]
) -> None:
    response = notifications.get(
        f"{TEMPLATES}/ki_event/preview", query_string={"language": "ar"}, headers=staff
    )

    assert response.status_code == 200
    preview = response.json
    assert (preview["language"], preview["direction"]) == ("ar", "rtl")
    assert '<html lang="ar" dir="rtl">' in preview["html"]
    assert preview["subject"] == "دعوة: Fortbildung: Antragstellung leicht gemacht"
    assert preview["context"]["name"] in preview["text"]


def test_a_preview_in_a_language_the_message_lacks_names_the_language(
    notifications: FlaskClient, staff: dict[str, str]
) -> None:
    response = notifications.get(
        f"{TEMPLATES}/application_submitted_staff/preview", query_string={"language": "tr"}, headers=staff
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "language" in response.json["errors"]


def test_an_unknown_message_type_is_not_found(notifications: FlaskClient, staff: dict[str, str]) -> None:
    response = notifications.get(f"{TEMPLATES}/no_such_kind/preview", headers=staff)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", TEMPLATES),
        ("get", f"{TEMPLATES}/call_published/preview"),
        ("post", f"{TEMPLATES}/call_published/test-send"),
    ],
)
def test_only_staff_work_with_templates(
    notifications: FlaskClient, tokens: TokenMaker, method: str, path: str
) -> None:
    anonymous = getattr(notifications, method)(path, json={"email": "x@verein.example"})
    applicant = getattr(notifications, method)(
        path, json={"email": "x@verein.example"}, headers=tokens.headers("applicant")
    )

    assert (anonymous.status_code, applicant.status_code) == (401, 403)
    assert helpers.emails(notifications.application) == []


def test_a_test_send_to_a_malformed_address_names_the_field_and_plans_nothing(
    apps: Apps, notifications: FlaskClient, staff: dict[str, str]
) -> None:
    response = notifications.post(
        f"{TEMPLATES}/call_published/test-send", json={"email": "kein-at"}, headers=staff
    )

    assert response.status_code == 422
    assert "email" in response.json["errors"]
    assert helpers.emails(apps.notifications) == []


def test_a_test_send_to_a_suppressed_address_is_logged_but_never_sent(
    apps: Apps, notifications: FlaskClient, staff: dict[str, str]
) -> None:
    with helpers.session_of(apps.notifications) as session:
        suppressions.suppress(session, "weg@verein.example", "unknown_mailbox")

    response = notifications.post(
        f"{TEMPLATES}/call_published/test-send", json={"email": "weg@verein.example"}, headers=staff
    )

    assert response.status_code == 202
    assert response.json["status"] == "suppressed"
    [email] = helpers.emails(apps.notifications)
    assert (email.status, email.event_type) == ("suppressed", "notifications.template.test")


def test_a_test_send_to_an_erased_persons_address_is_refused_naming_the_field_and_keeps_no_row(
    apps: Apps, notifications: FlaskClient, staff: dict[str, str]
) -> None:
    contact_id = helpers.subscribe(apps.notifications, "weg@verein.example")
    helpers.deliver(apps.notifications, helpers.event("network.contact.erased", contact_id=contact_id))

    response = notifications.post(
        f"{TEMPLATES}/call_published/test-send", json={"email": "Weg@Verein.example"}, headers=staff
    )

    assert response.status_code == 409
    [reason] = response.json["errors"]["email"]
    assert "erased" in reason
    assert helpers.emails(apps.notifications) == []


def test_a_test_send_arrives_through_the_worker_in_the_chosen_language_and_is_logged(
    stack: Stack, tokens: TokenMaker
) -> None:
    client = stack.apps.client("notifications")
    staff = tokens.headers("admin")

    response = client.post(
        f"{TEMPLATES}/call_published/test-send",
        json={"email": "pruefung@ki.example", "language": "uk", "name": "Олена Коваленко"},
        headers=staff,
    )

    assert response.status_code == 202
    sent = response.json
    [received] = stack.mailbox.wait_for(1, timeout=30)
    message = received.parsed()
    assert received.recipients == ("pruefung@ki.example",)
    assert message["Message-ID"] == sent["message_id"]
    assert message["Subject"].startswith("Новий конкурс на фінансування")
    assert message["Content-Language"] == "uk"

    def logged_as_sent() -> list[dict[str, object]]:
        log = client.get(
            "/notifications/api/v1/deliveries", query_string={"event_id": sent["event_id"]}, headers=staff
        )
        return [row for row in log.json if row["status"] == "sent"]

    [row] = wait_until(logged_as_sent, timeout=15, what="the test send in the delivery log")
    assert (row["recipient"], row["event_type"]) == ("pruefung@ki.example", "notifications.template.test")
