"""Each submission keeps the budget plan as it was; staff compare the versions after a change request."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible
from tests.integration.funding.test_api_applications import assert_problem
from tests.support import builders
from tests.support.tokens import TokenMaker

# The default body: personnel 480.000 + material 20.050, own contribution 50.000.
REVISED = [
    {"category": "personnel", "description": "Honorar Sprachmittlerin", "amount_cents": 420_000},
    {"category": "rent", "description": "Raummiete Gemeindesaal", "amount_cents": 36_000},
]


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(
        apps.funding, tokens, builders.open_call(apps.funding, volunteer_hour_rate_cents=1_500)
    )
    make_eligible(apps.funding, desk.organization_id)
    return desk


def versions(desk: Desk, application_id: str, headers: dict[str, str] | None = None) -> Any:
    return desk.client.get(
        f"{APPLICATIONS}/{application_id}/budget-versions", headers=headers or desk.caseworker
    )


def compare(desk: Desk, application_id: str, query: str, headers: dict[str, str] | None = None) -> Any:
    url = f"{APPLICATIONS}/{application_id}/budget-versions/compare?{query}"
    return desk.client.get(url, headers=headers or desk.caseworker)


def resubmitted(desk: Desk) -> str:
    """Submitted, sent back for changes, revised (new lines, more own money, volunteer hours), resubmitted."""
    application_id = desk.in_state("submitted")
    desk.act(application_id, "start_review", desk.caseworker)
    desk.act(application_id, "request_changes", desk.caseworker, {"comment": "Bitte Raummiete aufnehmen."})
    revision = {"cost_lines": REVISED, "own_contribution_cents": 60_000, "volunteer_hours": 20}
    assert (
        desk.client.patch(
            f"{APPLICATIONS}/{application_id}", json=revision, headers=desk.applicant
        ).status_code
        == 200
    )
    assert desk.act(application_id, "resubmit", desk.applicant).status_code == 200
    return application_id


def test_a_draft_has_no_budget_versions_yet(desk: Desk) -> None:
    assert versions(desk, desk.draft()).json == []


def test_submission_keeps_the_budget_plan_as_version_one(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    listed = versions(desk, application_id).json

    assert len(listed) == 1
    version = listed[0]
    assert (version["number"], version["action"], version["created_by"]) == (
        1,
        "submit",
        desk.user_ids["applicant"],
    )
    assert [line["amount_cents"] for line in version["cost_lines"]] == [480_000, 20_050]
    assert (
        version["total_cost_cents"],
        version["own_contribution_cents"],
        version["other_funding_cents"],
        version["requested_cents"],
    ) == (500_050, 50_000, 0, 450_050)


def test_resubmission_adds_version_two_and_leaves_version_one_as_it_was(desk: Desk) -> None:
    application_id = resubmitted(desk)

    first, second = versions(desk, application_id).json

    assert [line["description"] for line in first["cost_lines"]] == [
        "Honorar Sprachmittlerin",
        "Lernmaterial",
    ]
    assert first["requested_cents"] == 450_050
    assert (second["number"], second["action"]) == (2, "resubmit")
    assert (second["volunteer_hours"], second["volunteer_value_cents"]) == (20, 30_000)
    assert (second["total_cost_cents"], second["requested_cents"]) == (456_000, 396_000)


def test_comparing_versions_gives_differences_in_cents_per_line_category_and_total(desk: Desk) -> None:
    application_id = resubmitted(desk)

    response = compare(desk, application_id, "from=1&to=2")

    assert response.status_code == 200, response.json
    comparison = response.json
    assert (comparison["from"], comparison["to"]) == (1, 2)
    assert [
        (line["description"], line["from_cents"], line["to_cents"], line["difference_cents"])
        for line in comparison["lines"]
    ] == [
        ("Honorar Sprachmittlerin", 480_000, 420_000, -60_000),
        ("Lernmaterial", 20_050, 0, -20_050),
        ("Raummiete Gemeindesaal", 0, 36_000, 36_000),
    ]
    assert {c["category"]: c["difference_cents"] for c in comparison["categories"]} == {
        "personnel": -60_000,
        "material": -20_050,
        "rent": 36_000,
    }
    totals = {name: value["difference_cents"] for name, value in comparison["totals"].items()}
    assert totals == {
        "total_cost_cents": -44_050,
        "own_contribution_cents": 10_000,
        "volunteer_value_cents": 30_000,
        "other_funding_cents": 0,
        "requested_cents": -54_050,
    }


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin", "applicant"])
def test_staff_and_the_applying_organisation_read_the_versions(desk: Desk, role: str) -> None:
    application_id = resubmitted(desk)

    assert [v["number"] for v in versions(desk, application_id, desk.headers_of(role)).json] == [1, 2]
    assert compare(desk, application_id, "from=2&to=1", desk.headers_of(role)).status_code == 200


def test_another_organisation_sees_no_versions_of_the_application(desk: Desk, tokens: TokenMaker) -> None:
    application_id = desk.in_state("submitted")
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert_problem(versions(desk, application_id, outsider), 404)
    assert_problem(compare(desk, application_id, "from=1&to=1", outsider), 404)


def test_reading_versions_without_a_token_is_unauthorized(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    assert_problem(desk.client.get(f"{APPLICATIONS}/{application_id}/budget-versions"), 401)


def test_comparing_with_a_version_that_does_not_exist_is_not_found_naming_it(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    assert_problem(compare(desk, application_id, "from=1&to=2"), 404, "to")


@pytest.mark.parametrize(
    ("query", "field"), [("to=1", "from"), ("from=one&to=1", "from"), ("from=1&to=0", "to")]
)
def test_a_malformed_comparison_query_is_refused_naming_the_parameter(
    desk: Desk, query: str, field: str
) -> None:
    application_id = desk.in_state("submitted")

    assert_problem(compare(desk, application_id, query), 422, field)
