"""Funding's applications API as applicants and KI staff use it: create, see, submit, decide."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from shared.auth import Actor, issue_token
from shared.events import consumers_of
from tests.conftest import Apps
from tests.integration.funding.helpers import (
    APPLICATIONS,
    UNREACHABLE_REDIS,
    Desk,
    audit_trail,
    body_requesting,
    committed_cents,
    funding_app_with,
    make_eligible,
    outbox_rows,
    stored,
)
from tests.support import builders
from tests.support.databases import ServiceDatabases
from tests.support.tokens import TokenMaker

PROBLEM_JSON = "application/problem+json"
APPROVED = "funding.application.approved"
# The default body: 480.000 + 20.050 costs − 50.000 own contribution.
REQUESTED = 450_050


def desk_for(apps: Apps, tokens: TokenMaker, verified: bool = True, **call: object) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, **call))
    if verified:
        make_eligible(apps.funding, desk.organization_id)
    return desk


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    return desk_for(apps, tokens)


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    """A problem-details answer with ``status``; when ``field`` is given, ``errors`` names it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    problem = response.json
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field is not None:
        assert field in problem.get("errors", {}), problem
    return problem


# --- creating a draft -------------------------------------------------------------------------


def test_applicant_creates_a_draft_whose_requested_amount_is_costs_minus_own_and_other_funding(
    desk: Desk,
) -> None:
    response = desk.create(desk.body(other_funding_cents=50))

    assert response.status_code == 201, response.json
    assert response.json["state"] == "draft"
    assert response.json["requested_cents"] == REQUESTED - 50
    assert stored(desk.app, response.json["id"]).requested_cents == REQUESTED - 50


def test_a_requested_amount_sent_by_the_client_is_rejected_as_an_unknown_field(desk: Desk) -> None:
    response = desk.create(desk.body(requested_cents=1))

    assert_problem(response, 422, "requested_cents")


def test_an_application_without_a_title_is_rejected_naming_the_title(desk: Desk) -> None:
    body = desk.body()
    del body["title"]

    assert_problem(desk.create(body), 422, "title")


def test_a_fractional_cent_amount_in_a_cost_line_is_rejected_naming_the_cost_lines(desk: Desk) -> None:
    line = {"category": "material", "description": "Lernmaterial", "amount_cents": 12.5}

    assert_problem(desk.create(desk.body(cost_lines=[line])), 422, "cost_lines")


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("cost_lines", {"cost_lines": [{"category": "material", "description": "x", "amount_cents": -100}]}),
        ("own_contribution_cents", {"own_contribution_cents": -1}),
        ("other_funding_cents", {"other_funding_cents": -1}),
    ],
)
def test_a_negative_amount_is_rejected_naming_its_field(
    desk: Desk, field: str, overrides: dict[str, object]
) -> None:
    assert_problem(desk.create(desk.body(**overrides)), 422, field)


def test_an_own_contribution_above_the_costs_is_rejected_and_nothing_is_stored(desk: Desk) -> None:
    response = desk.create(desk.body(own_contribution_cents=600_000))

    assert_problem(response, 422, "own_contribution_cents")
    assert desk.client.get(APPLICATIONS, headers=desk.applicant).json == []


def test_a_malformed_json_body_is_answered_as_a_client_problem_not_a_server_error(desk: Desk) -> None:
    response = desk.client.post(
        APPLICATIONS, data='{"title": "Sprachcafé",', content_type="application/json", headers=desk.applicant
    )

    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)


def test_an_application_to_an_unknown_call_is_not_found_naming_the_call(desk: Desk) -> None:
    body = builders.application_body(str(uuid.uuid4()), desk.organization_id)

    assert_problem(desk.create(body), 404, "call_id")


def test_applicant_cannot_apply_for_an_organisation_they_do_not_belong_to(
    desk: Desk, tokens: TokenMaker
) -> None:
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert_problem(desk.create(headers=outsider), 403, "organization_id")


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_cannot_create_applications(desk: Desk, tokens: TokenMaker, role: str) -> None:
    staff = tokens.headers(role, orgs=(desk.organization_id,))

    assert_problem(desk.create(headers=staff), 403)


def test_a_request_without_a_token_is_unauthorized_with_a_bearer_challenge(desk: Desk) -> None:
    response = desk.client.post(APPLICATIONS, json=desk.body())

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_request_without_a_token_is_unauthorized_even_when_its_body_is_invalid(desk: Desk) -> None:
    response = desk.client.post(APPLICATIONS, json={"title": ""})

    problem = assert_problem(response, 401)
    assert "errors" not in problem  # an anonymous caller learns nothing about the schema


@pytest.mark.parametrize("kind", ["expired", "garbage", "not bearer"])
def test_an_expired_or_garbage_token_is_unauthorized(desk: Desk, tokens: TokenMaker, kind: str) -> None:
    actor = Actor(str(uuid.uuid4()), "a@test.example", ("applicant",), (desk.organization_id,))
    headers = {
        "expired": {
            "Authorization": f"Bearer {issue_token(tokens.private_key, actor, timedelta(seconds=-60))}"
        },
        "garbage": {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30.x"},
        "not bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    }[kind]

    response = desk.create(headers=headers)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


# --- who sees what ----------------------------------------------------------------------------


TwoOrganisations = tuple[Desk, Desk, str, str]


@pytest.fixture
def two_organisations(apps: Apps, tokens: TokenMaker) -> TwoOrganisations:
    """Desks A and B on one call, each with one draft: (a, b, a's application, b's application)."""
    a = desk_for(apps, tokens)
    b = Desk.around(apps.funding, tokens, a.programmes)
    make_eligible(apps.funding, b.organization_id)
    return a, b, a.draft(a.body(title="Projekt A")), b.draft(b.body(title="Projekt B"))


def test_applicant_cannot_see_another_organisations_application(two_organisations: TwoOrganisations) -> None:
    a, _b, _mine, theirs = two_organisations

    response = a.client.get(f"{APPLICATIONS}/{theirs}", headers=a.applicant)

    assert_problem(response, 404)
    assert "Projekt B" not in response.get_data(as_text=True)


def test_applicant_cannot_submit_another_organisations_application(
    two_organisations: TwoOrganisations,
) -> None:
    a, _b, _mine, theirs = two_organisations

    assert_problem(a.act(theirs, "submit", a.applicant), 404)
    assert stored(a.app, theirs).state == "draft"


def test_the_list_shows_an_applicant_only_their_organisations_applications(
    two_organisations: TwoOrganisations,
) -> None:
    a, _b, mine, _theirs = two_organisations

    response = a.client.get(APPLICATIONS, headers=a.applicant)

    assert response.status_code == 200
    assert [item["id"] for item in response.json] == [mine]


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_see_every_organisations_applications(two_organisations: TwoOrganisations, role: str) -> None:
    a, _b, mine, theirs = two_organisations

    listed = a.client.get(APPLICATIONS, headers=a.headers_of(role))
    one = a.client.get(f"{APPLICATIONS}/{theirs}", headers=a.headers_of(role))

    assert sorted(item["id"] for item in listed.json) == sorted([mine, theirs])
    assert one.status_code == 200 and one.json["title"] == "Projekt B"


# --- submitting -------------------------------------------------------------------------------


def test_submitting_after_the_call_closed_is_a_conflict_saying_it_closed(
    apps: Apps, tokens: TokenMaker
) -> None:
    desk = desk_for(apps, tokens, opens_in=-timedelta(days=30), closes_in=-timedelta(days=1))
    application_id = desk.draft()

    problem = assert_problem(desk.act(application_id, "submit", desk.applicant), 409, "call_id")

    assert "closed" in problem["detail"]
    assert stored(desk.app, application_id).state == "draft"


def test_submitting_before_the_call_opens_is_a_conflict_naming_the_call(
    apps: Apps, tokens: TokenMaker
) -> None:
    desk = desk_for(apps, tokens, opens_in=timedelta(days=1), closes_in=timedelta(days=30))
    application_id = desk.draft()

    problem = assert_problem(desk.act(application_id, "submit", desk.applicant), 409, "call_id")

    assert "opens" in problem["detail"]


def test_an_organisation_not_verified_by_the_ki_cannot_submit(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_for(apps, tokens, verified=False)
    application_id = desk.draft()

    assert_problem(desk.act(application_id, "submit", desk.applicant), 409, "organization_id")
    assert stored(desk.app, application_id).state == "draft"


def test_requesting_more_than_the_programme_maximum_cannot_be_submitted(desk: Desk) -> None:
    too_much = body_requesting(desk.programmes.call_id, desk.organization_id, 2_500_001)
    application_id = desk.draft(too_much)

    problem = assert_problem(desk.act(application_id, "submit", desk.applicant), 422, "requested_cents")

    assert "25.000,00 €" in problem["errors"]["requested_cents"][0]
    assert stored(desk.app, application_id).state == "draft"


def test_a_draft_without_cost_lines_cannot_be_submitted(desk: Desk) -> None:
    application_id = desk.draft(desk.body(cost_lines=[], own_contribution_cents=0))

    assert_problem(desk.act(application_id, "submit", desk.applicant), 422, "cost_lines")


def test_submission_moves_the_draft_to_submitted_and_audits_the_applicant(desk: Desk) -> None:
    application_id = desk.draft()

    response = desk.act(application_id, "submit", desk.applicant)

    assert response.status_code == 200, response.json
    assert response.json["state"] == "submitted" and response.json["submitted_at"]
    assert audit_trail(desk.app, application_id) == [
        ("submit", "draft", "submitted", desk.user_ids["applicant"])
    ]
    # One outbox row per consumer in the routing table; today nobody consumes this event.
    submitted_rows = outbox_rows(desk.app, "funding.application.submitted")
    assert sorted(row.consumer for row in submitted_rows) == sorted(
        consumers_of("funding.application.submitted")
    )


# --- roles and states -------------------------------------------------------------------------

SOURCE = {"submit": "draft", "recommend": "submitted", "approve": "recommended"}
RIGHT_ROLE = {"submit": "applicant", "recommend": "caseworker", "approve": "approver"}
PAYLOAD = {"recommend": {"recommended_cents": 100_000}}


@pytest.mark.parametrize(
    ("action", "role"),
    [
        (action, role)
        for action in SOURCE
        for role in ("applicant", "caseworker", "approver", "admin")
        if role != RIGHT_ROLE[action]
    ],
)
def test_every_action_is_refused_to_every_other_role(desk: Desk, action: str, role: str) -> None:
    application_id = desk.in_state(SOURCE[action])

    response = desk.act(application_id, action, desk.headers_of(role), PAYLOAD.get(action))

    assert_problem(response, 403)
    assert stored(desk.app, application_id).state == SOURCE[action]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("approve", "draft"),
        ("approve", "submitted"),
        ("approve", "approved"),
        ("recommend", "draft"),
        ("recommend", "recommended"),
        ("submit", "submitted"),
        ("submit", "approved"),
    ],
)
def test_an_action_from_the_wrong_state_is_a_conflict_naming_the_state(
    desk: Desk, action: str, state: str
) -> None:
    application_id = desk.in_state(state)

    response = desk.act(application_id, action, desk.headers_of(RIGHT_ROLE[action]), PAYLOAD.get(action))

    assert_problem(response, 409, "state")
    assert stored(desk.app, application_id).state == state


@pytest.mark.parametrize(
    ("action", "state", "words"),
    [("approve", "draft", "cannot be approved"), ("submit", "submitted", "cannot be submitted")],
)
def test_a_wrong_state_conflict_says_in_plain_words_what_cannot_be_done(
    desk: Desk, action: str, state: str, words: str
) -> None:
    application_id = desk.in_state(state)

    problem = assert_problem(desk.act(application_id, action, desk.headers_of(RIGHT_ROLE[action])), 409)

    assert words in problem["detail"]


def test_recommending_more_than_was_requested_is_rejected_naming_the_recommended_amount(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    response = desk.act(application_id, "recommend", desk.caseworker, {"recommended_cents": REQUESTED + 1})

    assert_problem(response, 422, "recommended_cents")
    assert stored(desk.app, application_id).state == "submitted"


# --- four eyes --------------------------------------------------------------------------------


def test_the_person_who_recommended_cannot_also_approve(desk: Desk, tokens: TokenMaker) -> None:
    both = tokens.headers("caseworker", "approver")
    application_id = desk.in_state("submitted")
    assert desk.act(application_id, "recommend", both, {"recommended_cents": 400_000}).status_code == 200

    problem = assert_problem(desk.act(application_id, "approve", both), 403)

    assert "four-eyes" in problem["detail"]
    assert stored(desk.app, application_id).state == "recommended"


def test_a_different_approver_can_approve_what_a_colleague_recommended(
    desk: Desk, tokens: TokenMaker
) -> None:
    both = tokens.headers("caseworker", "approver")
    application_id = desk.in_state("submitted")
    desk.act(application_id, "recommend", both, {"recommended_cents": 400_000})

    response = desk.act(application_id, "approve", desk.approver)

    assert response.status_code == 200, response.json
    assert response.json["state"] == "approved"


# --- approval and the budget ------------------------------------------------------------------


def test_approval_commits_the_amount_and_records_one_event_per_consumer(desk: Desk) -> None:
    application_id = desk.in_state("recommended", recommended_cents=400_000)

    response = desk.act(application_id, "approve", desk.approver, {"comment": "Passt."})

    assert response.status_code == 200, response.json
    assert response.json["approved_cents"] == 400_000
    rows = outbox_rows(desk.app, APPROVED)
    assert sorted(row.consumer for row in rows) == sorted(consumers_of(APPROVED))
    assert {
        (row.envelope["data"]["application_id"], row.envelope["data"]["approved_cents"]) for row in rows
    } == {(application_id, 400_000)}
    assert committed_cents(desk.app, desk.programmes) == 400_000


def test_an_approval_the_remaining_budget_cannot_cover_changes_nothing(
    apps: Apps, tokens: TokenMaker
) -> None:
    desk = desk_for(apps, tokens, budget_cents=300_000)
    application_id = desk.in_state("recommended", recommended_cents=400_000)

    problem = assert_problem(desk.act(application_id, "approve", desk.approver), 409, "approved_cents")

    assert "budget" in problem["detail"]
    application = stored(desk.app, application_id)
    assert (application.state, application.approved_cents, application.decided_by) == (
        "recommended",
        None,
        None,
    )
    assert committed_cents(desk.app, desk.programmes) == 0
    assert outbox_rows(desk.app, APPROVED) == []
    assert [entry[0] for entry in audit_trail(desk.app, application_id)] == ["submit", "recommend"]


def _approve_on(app: Flask, application_id: str, desk: Desk) -> TestResponse:
    return app.test_client().post(f"{APPLICATIONS}/{application_id}/approve", json={}, headers=desk.approver)


def test_approval_succeeds_and_keeps_its_event_while_redis_is_down(
    desk: Desk, databases: ServiceDatabases, keys: tuple[Path, Path]
) -> None:
    application_id = desk.in_state("recommended")

    with funding_app_with(databases.urls["funding"], UNREACHABLE_REDIS, keys[1].read_bytes()) as offline:
        response = _approve_on(offline, application_id, desk)

    assert response.status_code == 200, response.json
    assert [row.envelope["data"]["application_id"] for row in outbox_rows(desk.app, APPROVED)] == [
        application_id
    ] * len(consumers_of(APPROVED))


def test_approval_while_redis_is_down_is_not_held_up_waiting_for_it(
    desk: Desk, databases: ServiceDatabases, keys: tuple[Path, Path]
) -> None:
    application_id = desk.in_state("recommended")

    with funding_app_with(databases.urls["funding"], UNREACHABLE_REDIS, keys[1].read_bytes()) as offline:
        started = time.monotonic()
        response = _approve_on(offline, application_id, desk)
        elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 1.0, f"the approval waited {elapsed:.1f} s for the unreachable broker"
