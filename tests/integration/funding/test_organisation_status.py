"""Network's word on an organisation (verified, suspended, reactivated, archived, merged) reaches
funding's read model through its inbox, and only a verified organisation's application moves on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from services.funding import events
from services.funding.models import EligibleOrganization, inbox
from shared.events import make_envelope
from shared.events.samples import load_sample
from tests.conftest import Apps
from tests.integration.funding.helpers import Desk, committed_cents, stored
from tests.support import builders
from tests.support.tokens import TokenMaker

CHANGES = {"comment": "Bitte ergänzen Sie die Raummiete im Finanzierungsplan."}


def deliver(app: Flask, event_type: str, **data: Any) -> str:
    """Network's event (its golden sample with ``data`` over it) handed to funding's inbox, as
    funding's worker would; returns the outcome."""
    payload = {**load_sample(event_type, 1)["data"], **data}
    envelope = make_envelope(event_type, 1, payload, "network", None)
    return inbox.consume(builders.session_factory(app), envelope.as_dict(), events.HANDLERS).value


def status_of(app: Flask, organization_id: str) -> str | None:
    with builders.session_factory(app)() as session:
        organization = session.get(EligibleOrganization, organization_id)
        return organization.status if organization else None


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    assert (
        deliver(desk.app, "network.organization.verified", organization_id=desk.organization_id) == "handled"
    )
    return desk


def sent_back(desk: Desk) -> str:
    """An application a caseworker has sent back to the applicant for changes."""
    application_id = desk.in_state("submitted")
    for action, body in (("start_review", {}), ("request_changes", CHANGES)):
        response = desk.act(application_id, action, desk.caseworker, body)
        assert response.status_code == 200, (action, response.json)
    return application_id


def assert_refused_for_the_organisation(response: TestResponse, status: str) -> None:
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    [message] = response.json["errors"]["organization_id"]
    assert status in message


# --- the read model ------------------------------------------------------------------------------


def test_a_verified_organisation_enters_funding_with_its_name_and_district(desk: Desk) -> None:
    with builders.session_factory(desk.app)() as session:
        organization = session.get(EligibleOrganization, desk.organization_id)
        assert (organization.status, organization.name, organization.district) == (
            "verified",
            "Brückenbau e.V.",
            "Köln-Mülheim",
        )


@pytest.mark.parametrize(
    ("event_type", "status"),
    [
        ("network.organization.suspended", "suspended"),
        ("network.organization.archived", "archived"),
    ],
)
def test_a_suspended_or_archived_organisation_is_no_longer_eligible(
    desk: Desk, event_type: str, status: str
) -> None:
    deliver(desk.app, event_type, organization_id=desk.organization_id)

    assert status_of(desk.app, desk.organization_id) == status


def test_a_reactivated_organisation_is_verified_again_under_its_current_name(desk: Desk) -> None:
    deliver(desk.app, "network.organization.suspended", organization_id=desk.organization_id)

    deliver(
        desk.app,
        "network.organization.reactivated",
        organization_id=desk.organization_id,
        name="Brückenbau Köln e.V.",
        district="Köln-Kalk",
    )

    with builders.session_factory(desk.app)() as session:
        organization = session.get(EligibleOrganization, desk.organization_id)
        assert (organization.status, organization.name, organization.district) == (
            "verified",
            "Brückenbau Köln e.V.",
            "Köln-Kalk",
        )


def test_a_merged_organisation_is_no_longer_eligible_while_the_one_it_merged_into_stays(desk: Desk) -> None:
    survivor = "5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
    deliver(desk.app, "network.organization.verified", organization_id=survivor)

    deliver(desk.app, "network.organization.merged", surviving_id=survivor, merged_id=desk.organization_id)

    assert (status_of(desk.app, desk.organization_id), status_of(desk.app, survivor)) == (
        "merged",
        "verified",
    )


def test_news_about_an_organisation_funding_never_heard_of_leaves_no_trace(desk: Desk) -> None:
    stranger = "0f0e0d0c-0b0a-4909-8807-060504030201"

    outcome = deliver(desk.app, "network.organization.suspended", organization_id=stranger)

    assert outcome == "handled" and status_of(desk.app, stranger) is None


# --- applications of an organisation that is no longer verified -------------------------------------


def test_a_suspended_organisation_cannot_resubmit_after_a_change_request(desk: Desk) -> None:
    application_id = sent_back(desk)
    deliver(desk.app, "network.organization.suspended", organization_id=desk.organization_id)

    response = desk.act(application_id, "resubmit", desk.applicant)

    assert_refused_for_the_organisation(response, "suspended")
    assert stored(desk.app, application_id).state == "changes_requested"


def test_a_reactivated_organisation_can_resubmit_again(desk: Desk) -> None:
    application_id = sent_back(desk)
    deliver(desk.app, "network.organization.suspended", organization_id=desk.organization_id)
    deliver(desk.app, "network.organization.reactivated", organization_id=desk.organization_id)

    response = desk.act(application_id, "resubmit", desk.applicant)

    assert response.status_code == 200, response.json
    assert response.json["state"] == "in_review"


def test_an_application_of_an_organisation_suspended_after_submission_cannot_be_recommended(
    desk: Desk,
) -> None:
    application_id = desk.in_state("submitted")
    deliver(desk.app, "network.organization.suspended", organization_id=desk.organization_id)

    response = desk.act(application_id, "recommend", desk.caseworker, {"recommended_cents": 400_000})

    assert_refused_for_the_organisation(response, "suspended")
    assert stored(desk.app, application_id).state == "submitted"


@pytest.mark.parametrize(
    ("event_type", "data", "status"),
    [
        ("network.organization.suspended", {}, "suspended"),
        ("network.organization.archived", {}, "archived"),
        ("network.organization.merged", {"surviving_id": "5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"}, "merged"),
    ],
)
def test_a_recommended_application_is_not_approved_once_its_organisation_lost_its_verification(
    desk: Desk, event_type: str, data: dict[str, str], status: str
) -> None:
    application_id = desk.in_state("recommended")
    key = "merged_id" if status == "merged" else "organization_id"
    deliver(desk.app, event_type, **{key: desk.organization_id, **data})

    response = desk.act(application_id, "approve", desk.approver)

    assert_refused_for_the_organisation(response, status)
    application = stored(desk.app, application_id)
    assert (application.state, application.approved_cents, application.decided_at) == (
        "recommended",
        None,
        None,
    )
    assert committed_cents(desk.app, desk.programmes) == 0
