"""The budget overview per programme and year, and each organisation's funding history."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from services.funding.models import ProgrammeBudget
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.funding.after_approval import (
    REPORT,
    paid_out,
    report_action,
    report_due,
    submit_report,
)
from tests.integration.funding.helpers import Desk, make_eligible
from tests.support import builders
from tests.support.tokens import TokenMaker

BUDGETS = "/funding/api/v1/budgets"
BUDGET = 10_000_000


def history_url(organization_id: str) -> str:
    return f"/funding/api/v1/organizations/{organization_id}/funding-history"


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, budget_cents=BUDGET))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def budget_lines(desk: Desk, query: str = "") -> list[dict]:
    response = desk.client.get(f"{BUDGETS}{query}", headers=desk.caseworker)
    assert response.status_code == 200, response.json
    return response.json


def line_of(lines: list[dict], programme_id: str, year: int) -> dict:
    (line,) = [line for line in lines if line["programme_id"] == programme_id and line["year"] == year]
    return line


def add_budget_year(desk: Desk, year: int, cents: int) -> None:
    with transaction(builders.session_factory(desk.app)) as session:
        session.add(ProgrammeBudget(programme_id=desk.programmes.programme_id, year=year, budget_cents=cents))


def test_staff_see_budget_committed_and_available_per_programme_and_year(desk: Desk) -> None:
    desk.in_state("approved", recommended_cents=400_000)
    desk.in_state("approved", recommended_cents=250_000)
    desk.in_state("recommended", recommended_cents=100_000)  # recommended binds nothing yet

    line = line_of(budget_lines(desk), desk.programmes.programme_id, desk.programmes.year)

    assert line["programme_name"] == "KOMM-AN NRW"
    assert line["budget_cents"] == BUDGET
    assert line["committed_cents"] == 650_000
    assert line["available_cents"] == BUDGET - 650_000
    assert (line["paid_out_cents"], line["returned_cents"]) == (0, 0)


def test_overview_counts_the_applications_of_each_state(desk: Desk) -> None:
    for state in ("draft", "draft", "submitted", "recommended", "approved"):
        desk.in_state(state)

    counts = line_of(budget_lines(desk), desk.programmes.programme_id, desk.programmes.year)[
        "applications_by_state"
    ]

    assert {state: n for state, n in counts.items() if n} == {
        "draft": 2,
        "submitted": 1,
        "recommended": 1,
        "approved": 1,
    }
    assert counts["rejected"] == 0 and counts["withdrawn"] == 0


def test_payouts_and_a_closed_case_move_the_overview_and_the_history(desk: Desk) -> None:
    application_id = desk.in_state("approved", recommended_cents=400_000)
    paid_out(desk, application_id, 300_000)
    report_due(desk, application_id)
    spent_less = {**REPORT, "actual_costs": [{"category": "personnel", "amount_cents": 330_000}]}
    assert submit_report(desk, application_id, spent_less).status_code == 200
    assert report_action(desk, application_id, "accept", comment="Geprüft.").status_code == 200

    line = line_of(budget_lines(desk), desk.programmes.programme_id, desk.programmes.year)
    history = desk.client.get(history_url(desk.organization_id), headers=desk.applicant).json
    (case,) = history["applications"]

    returned = case["returned_cents"]
    assert 0 < returned < 400_000, "spending less than approved must return money"
    assert (case["state"], case["paid_out_cents"], case["approved_cents"]) == ("closed", 300_000, 400_000)
    assert (line["paid_out_cents"], line["returned_cents"]) == (300_000, returned)
    # returned money is free again: only what stays bound counts against the budget
    assert line["committed_cents"] == 400_000 - returned
    assert line["available_cents"] == BUDGET - 400_000 + returned
    assert line["applications_by_state"]["closed"] == 1
    assert (history["paid_out_cents"], history["returned_cents"]) == (300_000, returned)


def test_overview_filters_by_year_and_by_programme(apps: Apps, desk: Desk) -> None:
    next_year = desk.programmes.year + 1
    add_budget_year(desk, next_year, 20_000_000)
    other = builders.open_call(apps.funding, budget_cents=5_000_000, name="Integrationsfonds")
    desk.in_state("approved")

    everything = budget_lines(desk)
    this_year = budget_lines(desk, f"?year={desk.programmes.year}")
    one_programme = budget_lines(desk, f"?programme_id={desk.programmes.programme_id}")

    assert len(everything) == 3
    assert {(line["programme_name"], line["year"]) for line in this_year} == {
        ("KOMM-AN NRW", desk.programmes.year),
        ("Integrationsfonds", other.year),
    }
    assert [line["year"] for line in one_programme] == [next_year, desk.programmes.year]
    planned = line_of(one_programme, desk.programmes.programme_id, next_year)
    assert (
        planned["budget_cents"],
        planned["committed_cents"],
        planned["applications_by_state"]["approved"],
    ) == (
        20_000_000,
        0,
        0,
    )


@pytest.mark.parametrize(
    ("query", "field"), [("?year=zwanzig", "year"), ("?programme_id=kein-programm", "programme_id")]
)
def test_a_bad_filter_is_refused_naming_the_field(desk: Desk, query: str, field: str) -> None:
    response = desk.client.get(f"{BUDGETS}{query}", headers=desk.caseworker)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_applicants_may_not_see_the_budget_overview(desk: Desk) -> None:
    assert desk.client.get(BUDGETS, headers=desk.applicant).status_code == 403
    assert desk.client.get(BUDGETS).status_code == 401


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_every_staff_role_sees_the_budget_overview(desk: Desk, role: str) -> None:
    response = desk.client.get(BUDGETS, headers=desk.headers_of(role))
    assert response.status_code == 200
    assert [line["budget_cents"] for line in response.json] == [BUDGET]


def test_members_see_their_organisations_funding_history(desk: Desk) -> None:
    approved = desk.in_state("approved", recommended_cents=400_000)
    draft = desk.draft(desk.body(title="Hausaufgabenhilfe"))

    response = desk.client.get(history_url(desk.organization_id), headers=desk.applicant)

    assert response.status_code == 200, response.json
    history = response.json
    assert history["organization_name"] == "Brückenbau e.V."
    assert [line["application_id"] for line in history["applications"]] == [draft, approved]
    line = history["applications"][1]
    assert line["programme_name"] == "KOMM-AN NRW"
    assert line["call_title"] == "Förderaufruf KOMM-AN NRW"
    assert (line["year"], line["state"]) == (desk.programmes.year, "approved")
    assert (line["requested_cents"], line["approved_cents"], line["paid_out_cents"]) == (450_050, 400_000, 0)
    assert datetime.fromisoformat(line["decided_at"]) >= datetime.fromisoformat(line["submitted_at"])
    assert history["applications"][0]["state"] == "draft"
    assert history["applications"][0]["approved_cents"] is None
    assert history["approved_cents"] == 400_000


def test_the_history_holds_only_the_organisations_own_applications(
    apps: Apps, desk: Desk, tokens: TokenMaker
) -> None:
    mine = desk.in_state("submitted")
    neighbour = Desk(apps.funding, tokens, desk.programmes, str(uuid.uuid4()), desk.user_ids)
    make_eligible(apps.funding, neighbour.organization_id)
    neighbour.in_state("submitted")

    response = desk.client.get(history_url(desk.organization_id), headers=desk.caseworker)

    assert response.status_code == 200
    assert [line["application_id"] for line in response.json["applications"]] == [mine]


def test_a_member_of_another_organisation_cannot_see_the_history(desk: Desk, tokens: TokenMaker) -> None:
    desk.in_state("approved")
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    response = desk.client.get(history_url(desk.organization_id), headers=stranger)

    assert response.status_code == 404
    assert desk.client.get(history_url(desk.organization_id)).status_code == 401
