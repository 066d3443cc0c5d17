"""The applications list: filters by state, call, programme, organisation and district, page by page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible
from tests.integration.funding.test_api_applications import assert_problem
from tests.support import builders
from tests.support.tokens import TokenMaker


@dataclass
class Office:
    """Two programmes with a call each; organisations A and B; titles name who applied where."""

    a: Desk
    b: Desk
    other_call: builders.Programmes
    ids: dict[str, str]

    def get(self, query: str = "", headers: dict[str, str] | None = None) -> Any:
        return self.a.client.get(f"{APPLICATIONS}?{query}", headers=headers or self.a.caseworker)

    def titles(self, query: str = "", headers: dict[str, str] | None = None) -> list[str]:
        response = self.get(query, headers)
        assert response.status_code == 200, response.json
        return sorted(item["title"] for item in response.json)


@pytest.fixture
def office(apps: Apps, tokens: TokenMaker) -> Office:
    a = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    b = Desk.around(apps.funding, tokens, a.programmes)
    other = builders.open_call(apps.funding, name="Integrationsfonds")
    for desk in (a, b):
        make_eligible(apps.funding, desk.organization_id)
    ids = {
        "A-Mülheim-draft": a.draft(a.body(title="A-Mülheim-draft")),
        "A-Kalk-submitted": a.in_state("submitted", a.body(title="A-Kalk-submitted", district="Köln-Kalk")),
        "A-Fonds-draft": a.draft(
            builders.application_body(
                other.call_id, a.organization_id, title="A-Fonds-draft", district="Köln-Porz"
            )
        ),
        "B-Mülheim-submitted": b.in_state("submitted", b.body(title="B-Mülheim-submitted")),
    }
    return Office(a, b, other, ids)


def test_staff_see_all_and_the_total_count_in_a_header(office: Office) -> None:
    response = office.get()

    assert len(response.json) == 4
    assert response.headers["X-Total-Count"] == "4"


def test_the_list_shows_the_newest_first(office: Office) -> None:
    assert [item["title"] for item in office.get().json][0] == "B-Mülheim-submitted"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", ["A-Kalk-submitted", "B-Mülheim-submitted"]),
        ("district=K%C3%B6ln-Kalk", ["A-Kalk-submitted"]),
        ("state=draft&district=K%C3%B6ln-M%C3%BClheim", ["A-Mülheim-draft"]),
        ("state=approved", []),
    ],
)
def test_filters_by_state_and_district_combine(office: Office, query: str, expected: list[str]) -> None:
    assert office.titles(query) == expected


def test_filters_by_call_programme_and_organisation(office: Office) -> None:
    assert office.titles(f"call_id={office.other_call.call_id}") == ["A-Fonds-draft"]
    assert office.titles(f"programme_id={office.other_call.programme_id}") == ["A-Fonds-draft"]
    assert office.titles(f"programme_id={office.a.programmes.programme_id}&state=submitted") == [
        "A-Kalk-submitted",
        "B-Mülheim-submitted",
    ]
    assert office.titles(f"organization_id={office.b.organization_id}") == ["B-Mülheim-submitted"]


def test_pages_split_the_list_and_the_total_counts_every_match(office: Office) -> None:
    first, second, third = (office.get(f"per_page=3&page={page}") for page in (1, 2, 3))

    assert (len(first.json), len(second.json), third.json) == (3, 1, [])
    assert {first.headers["X-Total-Count"], third.headers["X-Total-Count"]} == {"4"}
    assert {item["id"] for item in first.json + second.json} == set(office.ids.values())


def test_an_applicant_sees_only_their_organisations_applications(office: Office) -> None:
    assert office.titles(headers=office.a.applicant) == [
        "A-Fonds-draft",
        "A-Kalk-submitted",
        "A-Mülheim-draft",
    ]
    assert office.titles(headers=office.b.applicant) == ["B-Mülheim-submitted"]


def test_an_applicant_filtering_for_another_organisation_gets_nothing(office: Office) -> None:
    response = office.get(f"organization_id={office.b.organization_id}", office.a.applicant)

    assert response.json == [] and response.headers["X-Total-Count"] == "0"


def test_an_applicant_of_no_organisation_sees_none(office: Office, tokens: TokenMaker) -> None:
    assert office.titles(headers=tokens.headers("applicant", orgs=(str(uuid.uuid4()),))) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("state=lost", "state"),
        ("call_id=not-a-uuid", "call_id"),
        ("programme_id=1", "programme_id"),
        ("organization_id=1", "organization_id"),
    ],
)
def test_a_bad_filter_or_page_is_refused_naming_it(office: Office, query: str, field: str) -> None:
    assert_problem(office.get(query), 422, field)


def test_the_list_without_a_token_is_unauthorized(office: Office) -> None:
    assert_problem(office.a.client.get(APPLICATIONS), 401)
