"""Drafts as applicants write them: full content, editing, and submission checked against the programme."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible, stored
from tests.integration.funding.test_api_applications import assert_problem
from tests.support import builders
from tests.support.tokens import TokenMaker

LINES = [
    {"category": "personnel", "description": "Honorar Sprachmittlerin", "amount_cents": 400_000},
    {"category": "catering", "description": "Verpflegung", "amount_cents": 50_000},
    {"category": "material", "description": "Lernmaterial", "amount_cents": 50_000},
]


def desk_with(apps: Apps, tokens: TokenMaker, **call: Any) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, **call))
    make_eligible(apps.funding, desk.organization_id)
    return desk


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    return desk_with(apps, tokens)


def patch(
    desk: Desk, application_id: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    return desk.client.patch(f"{APPLICATIONS}/{application_id}", json=body, headers=headers or desk.applicant)


def submit(desk: Desk, application_id: str) -> Any:
    return desk.act(application_id, "submit", desk.applicant)


# --- saving and editing drafts -----------------------------------------------------------------


def test_a_draft_keeps_everything_the_applicant_wrote(desk: Desk) -> None:
    body = desk.body(volunteer_hours=40)

    created = desk.create(body).json

    for name in (
        "goals",
        "target_groups",
        "district",
        "start_date",
        "end_date",
        "languages",
        "volunteer_hours",
    ):
        assert created[name] == body[name], name
    assert created["programme_id"] == desk.programmes.programme_id


def test_a_draft_with_only_a_title_can_be_saved(desk: Desk) -> None:
    body = {"call_id": desk.programmes.call_id, "organization_id": desk.organization_id, "title": "Idee"}

    response = desk.create(body)

    assert response.status_code == 201, response.json
    assert (response.json["cost_lines"], response.json["languages"], response.json["requested_cents"]) == (
        [],
        [],
        0,
    )


def test_the_applicant_changes_a_draft_and_the_requested_amount_follows_the_plan(desk: Desk) -> None:
    application_id = desk.draft()

    response = patch(
        desk, application_id, {"cost_lines": LINES, "other_funding_cents": 100_000, "goals": "Neu"}
    )

    assert response.status_code == 200, response.json
    assert response.json["requested_cents"] == 500_000 - 50_000 - 100_000
    assert response.json["goals"] == "Neu"
    assert response.json["title"] == "Sprachcafé für Eltern"  # not sent, not changed
    again = desk.client.get(f"{APPLICATIONS}/{application_id}", headers=desk.applicant).json
    assert again["cost_lines"] == LINES


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"languages": ["de", "xx"]}, "languages"),
        ({"languages": "de"}, "languages"),
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"start_date": "2027-03-01", "end_date": "2027-02-28"}, "end_date"),
        ({"cost_lines": [{"category": "material", "description": "x", "amount_cents": 0}]}, "cost_lines"),
        ({"cost_lines": [{"category": "", "description": "x", "amount_cents": 10}]}, "cost_lines"),
        ({"own_contribution_cents": 10.5}, "own_contribution_cents"),
        ({"volunteer_hours": -1}, "volunteer_hours"),
        ({"target_groups": [""]}, "target_groups"),
        ({"district": "x" * 121}, "district"),
        ({"title": ""}, "title"),
        ({"requested_cents": 1}, "requested_cents"),
        ({"call_id": str(uuid.uuid4())}, "call_id"),
        ({"own_contribution_cents": 600_000}, "own_contribution_cents"),
    ],
)
def test_every_bad_change_is_refused_naming_its_field_and_changes_nothing(
    desk: Desk, body: dict[str, Any], field: str
) -> None:
    application_id = desk.draft()
    before = desk.client.get(f"{APPLICATIONS}/{application_id}", headers=desk.applicant).json

    assert_problem(patch(desk, application_id, body), 422, field)
    assert desk.client.get(f"{APPLICATIONS}/{application_id}", headers=desk.applicant).json == before


def test_an_end_date_before_the_stored_start_date_is_refused(desk: Desk) -> None:
    application_id = desk.draft(desk.body(start_date="2027-05-01", end_date="2027-09-30"))

    problem = assert_problem(patch(desk, application_id, {"end_date": "2027-04-30"}), 422, "end_date")

    assert "2027-05-01" in problem["errors"]["end_date"][0]
    assert stored(desk.app, application_id).end_date.isoformat() == "2027-09-30"


def test_another_organisations_applicant_cannot_change_the_draft_nor_learn_it_exists(
    desk: Desk, tokens: TokenMaker
) -> None:
    application_id = desk.draft()
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert_problem(patch(desk, application_id, {"title": "Übernommen"}, outsider), 404)
    assert stored(desk.app, application_id).title == "Sprachcafé für Eltern"


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_cannot_edit_an_applicants_draft(desk: Desk, role: str) -> None:
    application_id = desk.draft()

    assert_problem(patch(desk, application_id, {"title": "Geändert"}, desk.headers_of(role)), 403)


def test_a_change_without_a_token_is_unauthorized(desk: Desk) -> None:
    application_id = desk.draft()

    assert_problem(desk.client.patch(f"{APPLICATIONS}/{application_id}", json={"title": "x"}), 401)


def test_a_submitted_application_can_no_longer_be_edited(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    assert_problem(patch(desk, application_id, {"title": "Nachträglich"}), 409, "state")


def test_an_application_sent_back_for_changes_can_be_edited_again(desk: Desk) -> None:
    application_id = desk.in_state("submitted")
    desk.act(application_id, "start_review", desk.caseworker)
    desk.act(application_id, "request_changes", desk.caseworker, {"comment": "Bitte Miete ergänzen."})

    response = patch(desk, application_id, {"cost_lines": LINES})

    assert response.status_code == 200, response.json
    assert response.json["state"] == "changes_requested"


# --- submitting: complete, within the rules, in time ---------------------------------------------


def test_submitting_an_incomplete_draft_names_every_missing_part(desk: Desk) -> None:
    application_id = desk.draft(
        {"call_id": desk.programmes.call_id, "organization_id": desk.organization_id, "title": "Idee"}
    )

    problem = assert_problem(submit(desk, application_id), 422)

    assert set(problem["errors"]) >= {
        "summary",
        "goals",
        "target_groups",
        "district",
        "start_date",
        "end_date",
        "languages",
        "cost_lines",
        "requested_cents",
    }
    assert stored(desk.app, application_id).state == "draft"


def test_submission_names_each_violated_programme_rule(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_with(
        apps, tokens, min_own_contribution_bp=2_000, eligible_categories=["personnel", "material"]
    )
    application_id = desk.draft(desk.body(cost_lines=LINES, own_contribution_cents=50_000))

    problem = assert_problem(submit(desk, application_id), 422)

    assert set(problem["errors"]) == {"own_contribution_cents", "cost_lines[1].category"}
    assert "20 %" in problem["errors"]["own_contribution_cents"][0]
    assert "'catering'" in problem["errors"]["cost_lines[1].category"][0]


def test_volunteer_hours_at_the_programme_rate_complete_the_own_contribution(
    apps: Apps, tokens: TokenMaker
) -> None:
    desk = desk_with(apps, tokens, min_own_contribution_bp=2_000, volunteer_hour_rate_cents=2_000)
    # 5.000,50 € costs need 1.000,10 € own contribution: 500 € in money, 31 h × 20 € = 620 € in work.
    application_id = desk.draft(desk.body(own_contribution_cents=50_000, volunteer_hours=31))

    response = submit(desk, application_id)

    assert response.status_code == 200, response.json
    assert response.json["requested_cents"] == 500_050 - 50_000


def test_share_financing_requests_the_share_of_the_eligible_costs(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_with(apps, tokens, financing_type="share", funding_rate_bp=7_500)

    created = desk.create(desk.body(cost_lines=LINES, own_contribution_cents=125_000)).json

    assert created["requested_cents"] == 375_000
    assert submit(desk, created["id"]).json["requested_cents"] == 375_000


def test_a_district_the_call_does_not_address_cannot_submit(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_with(apps, tokens, districts=("Köln-Kalk", "Köln-Porz"))
    application_id = desk.draft()

    problem = assert_problem(submit(desk, application_id), 422, "district")

    assert "Köln-Kalk, Köln-Porz" in problem["errors"]["district"][0]


def test_a_late_submission_names_the_call_and_its_closing_time_in_berlin(
    apps: Apps, tokens: TokenMaker
) -> None:
    desk = desk_with(apps, tokens, opens_in=-timedelta(days=30), closes_in=-timedelta(hours=2))
    application_id = desk.draft()

    problem = assert_problem(submit(desk, application_id), 409, "call_id")

    assert "'Förderaufruf KOMM-AN NRW' closed on" in problem["detail"]
    assert re.search(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr \(CES?T, Berlin time\)", problem["detail"])
    assert stored(desk.app, application_id).state == "draft"
