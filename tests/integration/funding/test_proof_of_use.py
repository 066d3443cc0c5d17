"""Proof of use (Verwendungsnachweis): submission, change requests, acceptance closing the case."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.test import TestResponse

from services.funding.models import Programme
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.funding.after_approval import (
    APPROVED,
    REPORT,
    events_of,
    ledger,
    paid_out,
    publish_everything,
    report_action,
    report_due,
    request_payout,
    submit_report,
)
from tests.integration.funding.helpers import APPLICATIONS, Desk, audit_trail, make_eligible, stored
from tests.support import builders
from tests.support.tokens import TokenMaker

CHANGES = "Bitte belegen Sie die Sachkosten mit einer Belegliste."


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch) -> Desk:
    publish_everything(monkeypatch)
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert field in response.json.get("errors", {}), response.json
    return response.json


def due_case(desk: Desk, paid: int = 0) -> str:
    application_id = desk.in_state("approved")
    if paid:
        paid_out(desk, application_id, paid)
    report_due(desk, application_id)
    return application_id


def submitted_case(desk: Desk, paid: int = 0, body: dict[str, Any] | None = None) -> str:
    application_id = due_case(desk, paid)
    response = submit_report(desk, application_id, body)
    assert response.status_code == 200, response.json
    return application_id


def report(desk: Desk, application_id: str, headers: dict[str, str] | None = None) -> TestResponse:
    return desk.client.get(f"{APPLICATIONS}/{application_id}/report", headers=headers or desk.applicant)


def test_before_the_project_ends_the_report_shows_its_due_date_but_cannot_be_submitted(desk: Desk) -> None:
    application_id = desk.in_state("approved")

    shown = report(desk, application_id)

    assert shown.status_code == 200, shown.json
    assert shown.json["state"] == "approved" and shown.json["due_on"]
    assert_problem(submit_report(desk, application_id), 409, "state")


def test_the_submitted_report_compares_actual_costs_with_the_plan_per_category(desk: Desk) -> None:
    application_id = due_case(desk)

    response = submit_report(desk, application_id)

    assert response.status_code == 200, response.json
    body = response.json
    assert body["state"] == "report_submitted" and body["submissions"] == 1
    assert body["narrative"] == REPORT["narrative"]
    assert [
        (c["category"], c["planned_cents"], c["actual_cents"], c["difference_cents"])
        for c in body["comparison"]
    ] == [
        ("personnel", 480_000, 430_000, -50_000),
        ("material", 20_050, 25_000, 4_950),
    ]
    assert audit_trail(desk.app, application_id)[-1][:3] == (
        "submit_report",
        "report_due",
        "report_submitted",
    )
    [event] = events_of(desk, "funding.report.submitted")
    assert (event["actual_total_cents"], event["submission"]) == (455_000, 1)


def test_staff_read_the_report_and_another_organisation_does_not(desk: Desk, tokens: TokenMaker) -> None:
    application_id = submitted_case(desk)
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert report(desk, application_id, desk.caseworker).json["narrative"] == REPORT["narrative"]
    assert_problem(report(desk, application_id, outsider), 404)
    sent = desk.client.post(f"{APPLICATIONS}/{application_id}/report", json=REPORT, headers=outsider)
    assert_problem(sent, 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REPORT, "narrative": "   "}, "narrative"),
        ({"actual_costs": REPORT["actual_costs"]}, "narrative"),
        ({**REPORT, "actual_costs": []}, "actual_costs"),
        ({**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 1.5}]}, "actual_costs"),
        (
            {
                **REPORT,
                "actual_costs": [{"category": "a", "amount_cents": 1}, {"category": "a", "amount_cents": 2}],
            },
            "actual_costs",
        ),
        ({**REPORT, "own_contribution_cents": -1}, "own_contribution_cents"),
    ],
)
def test_an_incomplete_report_is_refused_naming_the_field(
    desk: Desk, body: dict[str, Any], field: str
) -> None:
    application_id = due_case(desk)

    assert_problem(submit_report(desk, application_id, body), 422, field)
    assert stored(desk.app, application_id).state == "report_due"


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_only_the_organisation_submits_the_report(desk: Desk, role: str) -> None:
    application_id = due_case(desk)
    url = f"{APPLICATIONS}/{application_id}/report"

    assert_problem(desk.client.post(url, json=REPORT, headers=desk.headers_of(role)), 403)


def test_a_change_request_sends_the_report_back_and_a_resubmission_replaces_it(desk: Desk) -> None:
    application_id = submitted_case(desk)

    sent_back = report_action(desk, application_id, "request_changes", comment=CHANGES)
    again = submit_report(
        desk, application_id, {**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 1}]}
    )

    assert sent_back.status_code == 200, sent_back.json
    assert (sent_back.json["state"], sent_back.json["review_comment"]) == (
        "report_changes_requested",
        CHANGES,
    )
    assert again.status_code == 200, again.json
    assert (again.json["state"], again.json["submissions"]) == ("report_submitted", 2)
    assert again.json["actual_costs"] == [{"category": "personnel", "amount_cents": 1}]
    [event] = events_of(desk, "funding.report.changes_requested")
    assert event["comment"] == CHANGES


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "  "}])
def test_a_report_change_request_needs_a_comment(desk: Desk, body: dict[str, str]) -> None:
    application_id = submitted_case(desk)

    assert_problem(report_action(desk, application_id, "request_changes", **body), 422, "comment")


@pytest.mark.parametrize("role", ["applicant", "approver", "admin"])
@pytest.mark.parametrize("action", ["request_changes", "accept"])
def test_only_a_caseworker_reviews_the_report(desk: Desk, role: str, action: str) -> None:
    application_id = submitted_case(desk)

    assert_problem(report_action(desk, application_id, action, desk.headers_of(role), comment=CHANGES), 403)
    assert stored(desk.app, application_id).state == "report_submitted"


def test_accepting_closes_the_case_and_returns_unspent_money_to_the_programme(desk: Desk) -> None:
    # Actual 455.000 − own 50.000 = 405.000 needed, more than approved: the grant is used in full.
    # A cheaper project: actual 300.000 − own 50.000 = 250.000 funded, 150.000 unspent.
    application_id = submitted_case(
        desk,
        paid=200_000,
        body={**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 300_000}]},
    )
    before = ledger(desk)

    response = report_action(desk, application_id, "accept", comment="Geprüft.")

    assert response.status_code == 200, response.json
    body = response.json
    assert body["state"] == "closed"
    assert (body["funded_cents"], body["returned_cents"]) == (250_000, 150_000)
    assert (body["repayment_claim_cents"], body["balance_due_cents"]) == (0, 50_000)
    after = ledger(desk)
    assert after.committed_cents == before.committed_cents - 150_000
    assert after.returned_cents == before.returned_cents + 150_000
    assert after.paid_out_cents == before.paid_out_cents == 200_000
    assert stored(desk.app, application_id).returned_cents == 150_000
    [event] = events_of(desk, "funding.report.accepted")
    assert (event["funded_cents"], event["returned_cents"], event["accepted_by"]) == (
        250_000,
        150_000,
        desk.user_ids["caseworker"],
    )
    assert audit_trail(desk.app, application_id)[-1][:3] == ("accept_report", "report_submitted", "closed")


def test_paying_out_more_than_is_funded_records_a_repayment_claim(desk: Desk) -> None:
    body = {**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 350_000}]}
    application_id = submitted_case(desk, paid=APPROVED, body=body)

    accepted = report_action(desk, application_id, "accept").json

    assert (accepted["funded_cents"], accepted["returned_cents"]) == (300_000, 100_000)
    assert (accepted["repayment_claim_cents"], accepted["balance_due_cents"]) == (100_000, 0)


def test_other_funding_received_later_reduces_the_grant(desk: Desk) -> None:
    body = {**REPORT, "other_funding_cents": 105_000}  # 455.000 − 50.000 − 105.000 = 300.000
    application_id = submitted_case(desk, body=body)

    assert report_action(desk, application_id, "accept").json["funded_cents"] == 300_000


def test_under_share_financing_the_grant_is_the_share_of_the_actual_costs(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    with transaction(builders.session_factory(desk.app)) as session:
        programme = session.get(Programme, desk.programmes.programme_id)
        programme.financing_type, programme.funding_rate_bp = "share", 5_000  # the KI pays 50 %
    report_due(desk, application_id)
    submit_report(
        desk, application_id, {**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 300_000}]}
    )

    accepted = report_action(desk, application_id, "accept").json

    assert (accepted["funded_cents"], accepted["returned_cents"]) == (150_000, APPROVED - 150_000)


def test_a_case_with_a_pending_payout_cannot_be_closed(desk: Desk) -> None:
    application_id = submitted_case(desk)
    request_payout(desk, application_id, 1_000)

    assert_problem(report_action(desk, application_id, "accept"), 409, "payouts")
    assert stored(desk.app, application_id).state == "report_submitted"


def test_a_closed_case_takes_no_more_reports_or_payouts(desk: Desk) -> None:
    application_id = submitted_case(desk)
    report_action(desk, application_id, "accept")

    assert_problem(submit_report(desk, application_id), 409, "state")
    assert_problem(report_action(desk, application_id, "accept"), 409, "state")
    assert_problem(request_payout(desk, application_id, 1_000), 409, "state")


def test_the_report_of_an_application_never_approved_is_a_conflict(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    assert_problem(report(desk, application_id), 409, "state")
