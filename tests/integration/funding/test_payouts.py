"""Payout requests (Mittelabruf): requested by the organisation, decided by an approver, capped."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Apps
from tests.integration.funding.after_approval import (
    APPROVED,
    decide_payout,
    events_of,
    ledger,
    paid_out,
    publish_everything,
    request_payout,
)
from tests.integration.funding.helpers import APPLICATIONS, Desk, audit_trail, make_eligible, stored
from tests.support import builders
from tests.support.tokens import TokenMaker

Call = Callable[[FlaskClient], TestResponse]


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch) -> Desk:
    publish_everything(monkeypatch)
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert field in response.json.get("errors", {}), response.json
    return response.json


def test_a_payout_request_waits_for_an_approver_and_is_published(desk: Desk) -> None:
    application_id = desk.in_state("approved")

    response = request_payout(desk, application_id, 150_000, "Honorare März bis Mai")

    assert response.status_code == 201, response.json
    assert (response.json["status"], response.json["amount_cents"]) == ("pending", 150_000)
    [event] = events_of(desk, "funding.payout.requested")
    assert (event["payout_id"], event["amount_cents"], event["purpose"]) == (
        response.json["id"],
        150_000,
        "Honorare März bis Mai",
    )
    assert stored(desk.app, application_id).paid_out_cents == 0


def test_approving_the_first_payout_pays_out_and_moves_the_case_to_paying_out(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    payout_id = request_payout(desk, application_id, 150_000).json["id"]

    response = decide_payout(desk, application_id, payout_id, "approve")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert response.json["decided_by"] == desk.user_ids["approver"]
    application = stored(desk.app, application_id)
    assert (application.state, application.paid_out_cents) == ("paying_out", 150_000)
    assert ledger(desk).paid_out_cents == 150_000
    assert audit_trail(desk.app, application_id)[-1] == (
        "start_payouts",
        "approved",
        "paying_out",
        desk.user_ids["approver"],
    )
    [event] = events_of(desk, "funding.payout.approved")
    assert (event["paid_out_cents"], event["approved_by"]) == (150_000, desk.user_ids["approver"])


def test_later_payouts_add_up_without_another_transition(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    paid_out(desk, application_id, 150_000)

    paid_out(desk, application_id, 250_000)

    application = stored(desk.app, application_id)
    assert (application.state, application.paid_out_cents) == ("paying_out", APPROVED)
    assert ledger(desk).paid_out_cents == APPROVED
    assert [entry[0] for entry in audit_trail(desk.app, application_id)].count("start_payouts") == 1


def test_a_request_beyond_what_is_left_is_refused_naming_the_amount(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    paid_out(desk, application_id, 300_000)
    request_payout(desk, application_id, 60_000)  # pending counts too

    problem = assert_problem(request_payout(desk, application_id, 40_001), 422, "amount_cents")

    assert "400,00 €" in problem["errors"]["amount_cents"][0]
    assert request_payout(desk, application_id, 40_000).status_code == 201


def test_a_rejected_request_frees_its_amount_and_publishes_the_reason(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    payout_id = request_payout(desk, application_id, APPROVED).json["id"]

    response = decide_payout(desk, application_id, payout_id, "reject")

    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert stored(desk.app, application_id).state == "approved"
    [event] = events_of(desk, "funding.payout.rejected")
    assert event["reason"] == "Bitte Belege nachreichen."
    assert request_payout(desk, application_id, APPROVED).status_code == 201


def test_a_rejection_without_a_reason_is_refused_naming_the_reason(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    payout_id = request_payout(desk, application_id, 1_000).json["id"]
    url = f"{APPLICATIONS}/{application_id}/payouts/{payout_id}/reject"

    assert_problem(desk.client.post(url, json={"reason": "  "}, headers=desk.approver), 422, "reason")
    assert_problem(desk.client.post(url, json={}, headers=desk.approver), 422, "reason")


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decided_payout_cannot_be_decided_again(desk: Desk, decision: str) -> None:
    application_id = desk.in_state("approved")
    payout_id = request_payout(desk, application_id, 1_000).json["id"]
    decide_payout(desk, application_id, payout_id, "approve")

    assert_problem(decide_payout(desk, application_id, payout_id, decision), 409, "status")
    assert stored(desk.app, application_id).paid_out_cents == 1_000


@pytest.mark.parametrize("state", ["draft", "submitted", "recommended"])
def test_no_payout_before_approval(desk: Desk, state: str) -> None:
    application_id = desk.in_state(state)

    assert_problem(request_payout(desk, application_id, 1_000), 409, "state")


@pytest.mark.parametrize("body", [{}, {"amount_cents": 0}, {"amount_cents": -5}, {"amount_cents": 10.5}])
def test_a_request_without_a_positive_whole_amount_is_refused_naming_it(desk: Desk, body: dict) -> None:
    application_id = desk.in_state("approved")
    url = f"{APPLICATIONS}/{application_id}/payouts"

    assert_problem(desk.client.post(url, json=body, headers=desk.applicant), 422, "amount_cents")


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_only_the_organisation_requests_payouts(desk: Desk, role: str) -> None:
    application_id = desk.in_state("approved")
    url = f"{APPLICATIONS}/{application_id}/payouts"

    assert_problem(desk.client.post(url, json={"amount_cents": 1}, headers=desk.headers_of(role)), 403)


@pytest.mark.parametrize("role", ["applicant", "caseworker", "admin"])
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_only_an_approver_decides_on_payouts(desk: Desk, role: str, decision: str) -> None:
    application_id = desk.in_state("approved")
    payout_id = request_payout(desk, application_id, 1_000).json["id"]

    assert_problem(decide_payout(desk, application_id, payout_id, decision, desk.headers_of(role)), 403)
    assert stored(desk.app, application_id).paid_out_cents == 0


def test_an_approver_cannot_approve_a_payout_they_requested(desk: Desk, tokens: TokenMaker) -> None:
    application_id = desk.in_state("approved")
    both = tokens.headers(
        "applicant", "approver", orgs=(desk.organization_id,), user_id=desk.user_ids["approver"]
    )
    url = f"{APPLICATIONS}/{application_id}/payouts"
    payout_id = desk.client.post(url, json={"amount_cents": 1_000}, headers=both).json["id"]

    problem = assert_problem(decide_payout(desk, application_id, payout_id, "approve", both), 403)

    assert "four-eyes" in problem["detail"]


def test_another_organisation_neither_sees_nor_requests_payouts(desk: Desk, tokens: TokenMaker) -> None:
    application_id = desk.in_state("approved")
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))
    url = f"{APPLICATIONS}/{application_id}/payouts"

    assert_problem(desk.client.post(url, json={"amount_cents": 1_000}, headers=outsider), 404)
    assert_problem(desk.client.get(url, headers=outsider), 404)


def test_the_organisation_and_staff_list_the_payouts(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    paid_out(desk, application_id, 1_000)
    request_payout(desk, application_id, 2_000)
    url = f"{APPLICATIONS}/{application_id}/payouts"

    for headers in (desk.applicant, desk.caseworker):
        listed = desk.client.get(url, headers=headers).json
        assert [(p["amount_cents"], p["status"]) for p in listed] == [(1_000, "approved"), (2_000, "pending")]


def test_an_unknown_payout_is_not_found(desk: Desk) -> None:
    application_id = desk.in_state("approved")

    assert_problem(decide_payout(desk, application_id, str(uuid.uuid4()), "approve"), 404)


def test_racing_requests_never_bind_more_than_was_approved(apps: Apps, desk: Desk) -> None:
    application_id = desk.in_state("approved")
    url = f"{APPLICATIONS}/{application_id}/payouts"

    statuses = _all_at_once(
        apps, [lambda c: c.post(url, json={"amount_cents": 100_000}, headers=desk.applicant)] * 8
    )

    assert sorted(statuses) == [201] * 4 + [422] * 4


def test_racing_approvals_each_count_once_in_both_ledgers(apps: Apps, desk: Desk) -> None:
    application_id = desk.in_state("approved")
    payout_ids = [request_payout(desk, application_id, 100_000).json["id"] for _ in range(4)]
    url = f"{APPLICATIONS}/{application_id}/payouts"

    statuses = _all_at_once(
        apps,
        [lambda c, p=p: c.post(f"{url}/{p}/approve", json={}, headers=desk.approver) for p in payout_ids],
    )

    assert statuses == [200] * 4
    assert stored(desk.app, application_id).paid_out_cents == APPROVED == ledger(desk).paid_out_cents


def _all_at_once(apps: Apps, calls: list[Call]) -> list[int]:
    """Each call from its own thread and test client, all released together."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []

    def run(call: Call) -> None:
        client = apps.funding.test_client()
        barrier.wait(timeout=30)
        statuses.append(call(client).status_code)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(statuses) == len(calls), "a request did not answer"
    return sorted(statuses)
