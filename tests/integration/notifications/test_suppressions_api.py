"""The suppression list for KI staff: list it, lift an entry; nobody else sees it."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from services.notifications import domain
from services.notifications.services import planning, suppressions
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.support.tokens import TokenMaker

SUPPRESSIONS = "/notifications/api/v1/suppressions"


@pytest.fixture
def notifications(apps: Apps) -> FlaskClient:
    return apps.client("notifications")


def suppressed(apps: Apps, address: str, reason: str = "unknown_mailbox") -> int:
    with helpers.session_of(apps.notifications) as session:
        suppressions.suppress(session, address, reason, str(uuid.uuid4()), detail="550 5.1.1 Mailbox unknown")
    return max(s.id for s in helpers.suppressions(apps.notifications))


def test_staff_see_the_suppression_list_with_the_reason(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    suppressed(apps, "kaputt@verein.example")
    suppressed(apps, "alt@verein.example")

    response = notifications.get(SUPPRESSIONS, headers=tokens.headers("caseworker"))

    assert response.status_code == 200
    assert [(s["address"], s["reason"]) for s in response.json] == [
        ("alt@verein.example", "unknown_mailbox"),
        ("kaputt@verein.example", "unknown_mailbox"),
    ]
    assert response.json[0]["detail"] == "550 5.1.1 Mailbox unknown"
    assert response.json[0]["lifted_at"] is None


def test_staff_filter_the_list_by_address(apps: Apps, notifications: FlaskClient, tokens: TokenMaker) -> None:
    suppressed(apps, "kaputt@verein.example")
    suppressed(apps, "alt@verein.example")

    response = notifications.get(
        SUPPRESSIONS, query_string={"address": "Kaputt@verein.example"}, headers=tokens.headers("admin")
    )

    assert [s["address"] for s in response.json] == ["kaputt@verein.example"]


def test_lifting_a_suppression_lets_mail_through_and_records_who_lifted_it(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    suppression_id = suppressed(apps, "kaputt@verein.example")
    staff = tokens.headers("caseworker", user_id="7d1c6a3e-0000-4000-8000-00000000c0de")

    lifted = notifications.post(f"{SUPPRESSIONS}/{suppression_id}/lift", headers=staff)
    active = notifications.get(SUPPRESSIONS, headers=staff)
    everything = notifications.get(SUPPRESSIONS, query_string={"include_lifted": "true"}, headers=staff)

    assert lifted.status_code == 200
    assert lifted.json["lifted_by"] == "7d1c6a3e-0000-4000-8000-00000000c0de"
    assert lifted.json["lifted_at"] is not None
    assert active.json == []
    assert [s["id"] for s in everything.json] == [suppression_id]
    with helpers.session_of(apps.notifications) as session:
        addressee = [domain.Addressee("kaputt@verein.example", "", ("de",))]
        event = helpers.event("funding.application.approved")
        planned = planning.plan_emails(
            session, event, "application_approved", addressee, helpers.APPROVED, purpose="administrative"
        )
    assert planned == 1


def test_lifting_twice_is_a_conflict(apps: Apps, notifications: FlaskClient, tokens: TokenMaker) -> None:
    suppression_id = suppressed(apps, "kaputt@verein.example")
    staff = tokens.headers("caseworker")
    notifications.post(f"{SUPPRESSIONS}/{suppression_id}/lift", headers=staff)

    again = notifications.post(f"{SUPPRESSIONS}/{suppression_id}/lift", headers=staff)

    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "suppression_id" in again.json["errors"]


def test_an_erased_person_cannot_be_lifted(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    suppression_id = suppressed(apps, domain.address_key("weg@verein.example"), reason="erased")

    response = notifications.post(f"{SUPPRESSIONS}/{suppression_id}/lift", headers=tokens.headers("admin"))

    assert response.status_code == 409
    assert helpers.suppressions(apps.notifications)[0].lifted_at is None


def test_lifting_an_unknown_entry_is_not_found(notifications: FlaskClient, tokens: TokenMaker) -> None:
    response = notifications.post(f"{SUPPRESSIONS}/424242/lift", headers=tokens.headers("caseworker"))

    assert response.status_code == 404
    assert "suppression_id" in response.json["errors"]


def test_an_applicant_may_not_see_or_lift_suppressions(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    suppression_id = suppressed(apps, "kaputt@verein.example")
    applicant = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    listed = notifications.get(SUPPRESSIONS, headers=applicant)
    lifted = notifications.post(f"{SUPPRESSIONS}/{suppression_id}/lift", headers=applicant)

    assert (listed.status_code, lifted.status_code) == (403, 403)
    assert helpers.suppressions(apps.notifications)[0].lifted_at is None


def test_without_a_token_the_list_is_unauthorized(notifications: FlaskClient) -> None:
    response = notifications.get(SUPPRESSIONS)

    assert response.status_code == 401


def test_an_address_filter_that_is_not_an_address_is_rejected_naming_it(
    notifications: FlaskClient, tokens: TokenMaker
) -> None:
    response = notifications.get(
        SUPPRESSIONS, query_string={"address": "kein-at-zeichen"}, headers=tokens.headers("caseworker")
    )

    assert response.status_code == 422
    assert "address" in response.json["errors"]
