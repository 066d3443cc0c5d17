"""Programmes with their rules and budgets, and calls set in Berlin time, as KI staff manage them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from services.funding.models import ProgrammeBudget
from shared.events import consumers_of
from shared.events.registry import get_schema
from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, outbox_rows
from tests.integration.funding.test_api_applications import assert_problem
from tests.support import builders
from tests.support.tokens import TokenMaker

API = "/funding/api/v1"
PUBLISHED = "funding.call.published"
SAMPLE = Path(__file__).parents[3] / "shared/events/samples/funding.call.published.v1.json"
RULES: dict[str, Any] = {
    "name": "Integrationsfonds 2027",
    "description": "Anteilfinanzierung für Projekte im Quartier",
    "max_amount_cents": 1_000_000,
    "financing_type": "share",
    "funding_rate_bp": 8_000,
    "min_own_contribution_bp": 1_000,
    "volunteer_hour_rate_cents": 1_500,
    "eligible_categories": ["personnel", "material", "rent"],
    "budgets": [{"year": 2027, "budget_cents": 20_000_000}],
}


class Staff:
    """A funding client with a token per role."""

    def __init__(self, apps: Apps, tokens: TokenMaker) -> None:
        self.client = apps.funding.test_client()
        self.app = apps.funding
        self.tokens = tokens

    def as_(self, role: str, orgs: tuple[str, ...] = ()) -> dict[str, str]:
        return self.tokens.headers(role, orgs=orgs)

    def programme(self, **overrides: Any) -> dict[str, Any]:
        response = self.client.post(
            f"{API}/programmes", json={**RULES, **overrides}, headers=self.as_("admin")
        )
        assert response.status_code == 201, response.json
        return response.json

    def call_body(self, programme_id: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "programme_id": programme_id,
            "title": "Förderaufruf 2027: Ankommen im Quartier",
            "summary": "Projekte für Begegnung und Orientierung im Stadtteil.",
            "budget_year": 2027,
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2027-01-31T23:59",
            "districts": ["Köln-Mülheim", "Köln-Kalk"],
        }
        return {**body, **overrides}

    def draft_call(self, **overrides: Any) -> dict[str, Any]:
        programme_id = overrides.pop("programme_id", None) or self.programme()["id"]
        body = self.call_body(programme_id, **overrides)
        response = self.client.post(f"{API}/calls", json=body, headers=self.as_("approver"))
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def staff(apps: Apps, tokens: TokenMaker) -> Staff:
    return Staff(apps, tokens)


# --- programmes --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "approver"])
def test_admins_and_approvers_create_a_programme_with_its_rules_and_budgets(staff: Staff, role: str) -> None:
    response = staff.client.post(f"{API}/programmes", json=RULES, headers=staff.as_(role))

    assert response.status_code == 201, response.json
    created = response.json
    assert {name: created[name] for name in RULES if name != "budgets"} == {
        name: value for name, value in RULES.items() if name != "budgets"
    }
    assert created["budgets"] == [
        {
            "year": 2027,
            "budget_cents": 20_000_000,
            "committed_cents": 0,
            "paid_out_cents": 0,
            "returned_cents": 0,
            "available_cents": 20_000_000,
        }
    ]


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_every_staff_role_reads_programmes(staff: Staff, role: str) -> None:
    programme = staff.programme()

    listed = staff.client.get(f"{API}/programmes", headers=staff.as_(role))
    one = staff.client.get(f"{API}/programmes/{programme['id']}", headers=staff.as_(role))

    assert [item["name"] for item in listed.json] == ["Integrationsfonds 2027"]
    assert one.status_code == 200 and one.json["funding_rate_bp"] == 8_000


@pytest.mark.parametrize("role", ["caseworker", "applicant"])
def test_caseworkers_and_applicants_cannot_create_or_change_programmes(staff: Staff, role: str) -> None:
    programme = staff.programme()

    created = staff.client.post(f"{API}/programmes", json={**RULES, "name": "X"}, headers=staff.as_(role))
    changed = staff.client.patch(
        f"{API}/programmes/{programme['id']}", json={"max_amount_cents": 1}, headers=staff.as_(role)
    )

    assert_problem(created, 403)
    assert_problem(changed, 403)


def test_applicants_cannot_read_programmes_and_anonymous_callers_are_unauthorized(staff: Staff) -> None:
    staff.programme()

    assert_problem(staff.client.get(f"{API}/programmes", headers=staff.as_("applicant")), 403)
    assert_problem(staff.client.get(f"{API}/programmes"), 401)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"financing_type": "share", "funding_rate_bp": None}, "funding_rate_bp"),
        ({"financing_type": "fixed", "fixed_amount_cents": None}, "fixed_amount_cents"),
        ({"financing_type": "fixed", "fixed_amount_cents": 2_000_000}, "fixed_amount_cents"),
        ({"financing_type": "lump"}, "financing_type"),
        ({"min_own_contribution_bp": 10_001}, "min_own_contribution_bp"),
        ({"max_amount_cents": 12.5}, "max_amount_cents"),
        ({"eligible_categories": [""]}, "eligible_categories"),
        ({"budgets": [{"year": 2027, "budget_cents": 1}, {"year": 2027, "budget_cents": 2}]}, "budgets"),
        ({"budgets": [{"year": 2027, "budget_cents": -1}]}, "budgets"),
    ],
)
def test_inconsistent_or_malformed_rules_are_refused_naming_the_field(
    staff: Staff, overrides: dict[str, Any], field: str
) -> None:
    response = staff.client.post(f"{API}/programmes", json={**RULES, **overrides}, headers=staff.as_("admin"))

    assert_problem(response, 422, field)
    assert staff.client.get(f"{API}/programmes", headers=staff.as_("admin")).json == []


def test_a_second_programme_with_the_same_name_is_a_conflict(staff: Staff) -> None:
    staff.programme()

    response = staff.client.post(f"{API}/programmes", json=RULES, headers=staff.as_("admin"))

    assert_problem(response, 409, "name")


def test_changing_rules_and_budgets_raises_one_year_and_adds_another(staff: Staff) -> None:
    programme = staff.programme()
    change = {
        "financing_type": "shortfall",
        "budgets": [{"year": 2028, "budget_cents": 5_000_000}, {"year": 2027, "budget_cents": 25_000_000}],
    }

    response = staff.client.patch(
        f"{API}/programmes/{programme['id']}", json=change, headers=staff.as_("approver")
    )

    assert response.status_code == 200, response.json
    assert response.json["financing_type"] == "shortfall"
    assert [(b["year"], b["budget_cents"]) for b in response.json["budgets"]] == [
        (2027, 25_000_000),
        (2028, 5_000_000),
    ]


def test_a_budget_cannot_be_lowered_below_what_is_already_committed(staff: Staff) -> None:
    programme = staff.programme()
    with builders.session_factory(staff.app).begin() as session:
        session.execute(update(ProgrammeBudget).values(committed_cents=15_000_000))
    lower = {"budgets": [{"year": 2027, "budget_cents": 14_999_999}]}

    problem = assert_problem(
        staff.client.patch(f"{API}/programmes/{programme['id']}", json=lower, headers=staff.as_("admin")),
        409,
        "budgets[0].budget_cents",
    )

    assert "150.000,00 €" in problem["detail"]
    again = staff.client.get(f"{API}/programmes/{programme['id']}", headers=staff.as_("admin")).json
    assert again["budgets"][0]["budget_cents"] == 20_000_000


# --- calls in Berlin time ----------------------------------------------------------------------


def test_call_times_given_in_berlin_are_stored_in_utc_across_summer_time(staff: Staff) -> None:
    call = staff.draft_call(opens_at="2027-03-01T00:00", closes_at="2027-07-15T12:00")

    assert (call["opens_at"], call["closes_at"]) == ("2027-02-28T23:00:00+00:00", "2027-07-15T10:00:00+00:00")
    assert (call["opens_at_berlin"], call["closes_at_berlin"]) == (
        "2027-03-01T00:00:00+01:00",
        "2027-07-15T12:00:00+02:00",
    )
    assert call["state"] == "draft" and call["published_at"] is None


@pytest.mark.parametrize("moment", ["2027-01-31T23:59:00Z", "2027-01-31T23:59:00+01:00"])
def test_a_call_time_with_an_offset_is_refused_asking_for_berlin_local_time(
    staff: Staff, moment: str
) -> None:
    body = staff.call_body(staff.programme()["id"], closes_at=moment)

    problem = assert_problem(
        staff.client.post(f"{API}/calls", json=body, headers=staff.as_("admin")), 422, "closes_at"
    )

    assert "without an offset" in problem["errors"]["closes_at"][0]


@pytest.mark.parametrize(
    ("moment", "why"), [("2027-03-28T02:30", "does not exist"), ("2027-10-31T02:30", "occurs twice")]
)
def test_a_call_time_summer_time_skips_or_repeats_is_refused(staff: Staff, moment: str, why: str) -> None:
    body = staff.call_body(staff.programme()["id"], closes_at=moment)

    problem = assert_problem(
        staff.client.post(f"{API}/calls", json=body, headers=staff.as_("admin")), 422, "closes_at"
    )

    assert why in problem["errors"]["closes_at"][0]


def test_a_call_closing_before_it_opens_is_refused_naming_closes_at(staff: Staff) -> None:
    body = staff.call_body(staff.programme()["id"], opens_at="2027-02-01T00:00", closes_at="2027-01-31T23:59")

    assert_problem(staff.client.post(f"{API}/calls", json=body, headers=staff.as_("admin")), 422, "closes_at")


def test_a_call_for_an_unknown_programme_is_not_found_naming_the_programme(staff: Staff) -> None:
    body = staff.call_body(str(uuid.uuid4()))

    assert_problem(
        staff.client.post(f"{API}/calls", json=body, headers=staff.as_("admin")), 404, "programme_id"
    )


@pytest.mark.parametrize("role", ["caseworker", "applicant"])
def test_caseworkers_and_applicants_cannot_create_or_publish_calls(staff: Staff, role: str) -> None:
    call = staff.draft_call()

    created = staff.client.post(
        f"{API}/calls", json=staff.call_body(call["programme_id"]), headers=staff.as_(role)
    )
    published = staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_(role))

    assert_problem(created, 403)
    assert_problem(published, 403)
    assert outbox_rows(staff.app, PUBLISHED) == []


def test_a_draft_call_is_hidden_from_applicants_and_the_open_list_but_shown_to_staff(staff: Staff) -> None:
    call = staff.draft_call(opens_at="2020-01-01T00:00", closes_at="2099-12-31T23:59")

    assert staff.client.get(f"{API}/calls").json == []
    assert_problem(staff.client.get(f"{API}/calls/{call['id']}", headers=staff.as_("applicant")), 404)
    assert (
        staff.client.get(f"{API}/calls/{call['id']}", headers=staff.as_("caseworker")).json["state"]
        == "draft"
    )
    listed = staff.client.get(f"{API}/calls/all?state=draft", headers=staff.as_("caseworker")).json
    assert [item["id"] for item in listed] == [call["id"]]


def test_an_open_call_is_listed_once_published(staff: Staff) -> None:
    programme = staff.programme(budgets=[{"year": 2027, "budget_cents": 1_000_000}])
    call = staff.draft_call(
        programme_id=programme["id"], opens_at="2020-01-01T00:00", closes_at="2099-12-31T23:59"
    )

    staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("admin"))

    assert [item["id"] for item in staff.client.get(f"{API}/calls").json] == [call["id"]]
    assert staff.client.get(f"{API}/calls/{call['id']}").json["programme_name"] == "Integrationsfonds 2027"


def test_publishing_a_call_emits_exactly_the_published_event_fields_through_the_outbox(staff: Staff) -> None:
    call = staff.draft_call()

    response = staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("approver"))

    assert response.status_code == 200, response.json
    assert response.json["state"] == "published" and response.json["published_at"]
    rows = outbox_rows(staff.app, PUBLISHED)
    assert sorted(row.consumer for row in rows) == sorted(consumers_of(PUBLISHED)) == ["notifications"]
    data = rows[0].envelope["data"]
    assert set(data) == set(json.loads(SAMPLE.read_text())["data"])
    assert get_schema(PUBLISHED, 1).validate(data) == {}
    assert data == {
        "call_id": call["id"],
        "programme_id": call["programme_id"],
        "programme_name": "Integrationsfonds 2027",
        "title": "Förderaufruf 2027: Ankommen im Quartier",
        "summary": "Projekte für Begegnung und Orientierung im Stadtteil.",
        "districts": ["Köln-Mülheim", "Köln-Kalk"],
        "budget_year": 2027,
        "opens_at": "2026-12-01T08:00:00+00:00",
        "closes_at": "2027-01-31T22:59:00+00:00",
        "published_at": response.json["published_at"],
        "portal_url": f"http://127.0.0.1:8000/funding/calls/{call['id']}",
    }


def test_a_published_call_can_be_neither_published_again_nor_changed(staff: Staff) -> None:
    call = staff.draft_call()
    staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("admin"))

    again = staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("admin"))
    changed = staff.client.patch(
        f"{API}/calls/{call['id']}", json={"title": "Neu"}, headers=staff.as_("admin")
    )

    assert_problem(again, 409, "state")
    assert_problem(changed, 409, "state")
    assert len(outbox_rows(staff.app, PUBLISHED)) == len(consumers_of(PUBLISHED))


def test_a_draft_call_can_be_changed_with_berlin_times(staff: Staff) -> None:
    call = staff.draft_call()

    response = staff.client.patch(
        f"{API}/calls/{call['id']}",
        json={"closes_at": "2027-02-28T18:00", "districts": ["Köln-Porz"]},
        headers=staff.as_("approver"),
    )

    assert response.status_code == 200, response.json
    assert response.json["closes_at"] == "2027-02-28T17:00:00+00:00"
    assert response.json["districts"] == ["Köln-Porz"]


def test_a_call_without_a_budget_for_its_year_cannot_be_published(staff: Staff) -> None:
    call = staff.draft_call(budget_year=2028)

    problem = assert_problem(
        staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("admin")), 409, "budget_year"
    )

    assert "2028" in problem["detail"]
    assert outbox_rows(staff.app, PUBLISHED) == []


def test_a_call_that_has_already_closed_cannot_be_published(staff: Staff) -> None:
    call = staff.draft_call(opens_at="2020-01-01T00:00", closes_at="2020-02-01T00:00")

    assert_problem(
        staff.client.post(f"{API}/calls/{call['id']}/publish", headers=staff.as_("admin")), 409, "closes_at"
    )


def test_applicants_cannot_apply_to_a_call_that_is_not_published(apps: Apps, tokens: TokenMaker) -> None:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, state="draft"))

    response = desk.client.post(APPLICATIONS, json=desk.body(), headers=desk.applicant)

    assert_problem(response, 404, "call_id")
