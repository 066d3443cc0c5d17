"""Every way the search counts and pages agrees with looking at each organisation in turn.

On SQLite a search by filters alone counts through index-driven passes or one scan
(``sqlite.DRIVEN_SHARE``), and a staff text search without filters ranks from the FTS index alone,
reading ``sqlite.TIE_MARGIN`` rows past the page for ties. These tests force each way, after edits
and status changes, and compare with counting the organisations one by one; PostgreSQL, which has
one way, meets the same expectations.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.network.domain import search as domain
from services.network.models import Organization
from services.network.services import organizations, taxonomies
from services.network.services.search import sqlite, statements
from shared.auth import Actor
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders

SEARCH = "/network/api/v1/search/organizations"
STEPS = {
    "registered": [],
    "verified": ["verify"],
    "suspended": ["verify", "suspend"],
    "archived": ["archive"],
}
LISTS = {"field_of_work": "fields_of_work", "language": "languages"}
STAFF = Actor(user_id="00000000-0000-0000-0000-000000000001", email="sb@ki.example", roles=("caseworker",))
FILTERS: list[dict[str, list[str]]] = [
    {"district": ["Köln-Porz"]},
    {"field_of_work": ["education"]},
    {"language": ["tr", "ar"]},
    {"district": ["Köln-Mülheim"], "field_of_work": ["sport"]},
    {"type": ["school"], "language": ["de"], "field_of_work": ["education", "culture"]},
    {"status": ["registered"]},
    {"status": ["verified", "suspended"], "district": ["Köln-Kalk"]},
    {"field_of_work": ["health"], "district": ["Köln-Porz", "Köln-Kalk"], "status": ["verified"]},
]
TEXTS: list[tuple[str, dict[str, list[str]]]] = [
    ("verein", {}),
    ("Ver", {}),
    ("theater", {}),
    ("verein", {"district": ["Köln-Porz"]}),
    ("verein", {"status": ["verified"]}),
]


@pytest.fixture
def registry(apps: Apps) -> list[dict[str, Any]]:
    """30 organisations of every status, then edited: each as the search should now see it."""
    rng = random.Random(5)
    wanted = [_organisation(number, rng) for number in range(30)]
    rng.shuffle(wanted)  # rowids out of name order, as a bounded sort must not decide ties
    with transaction(builders.session_factory(apps.network)) as session:
        taxonomies.seed(session)
        for data in wanted:
            status = data.pop("status")
            data["id"] = organizations.create(session, dict(data), actor=None).id
            for action in STEPS[status]:
                organizations.change_status(session, data["id"], action, "Test", actor=None)
            data["status"] = status
    edits = {
        0: {"district": "Köln-Kalk", "fields_of_work": ["health", "sport"]},
        1: {"languages": ["uk"], "type": "school"},
    }
    with transaction(builders.session_factory(apps.network)) as session:
        for index, changes in edits.items():
            organizations.update(session, wanted[index]["id"], changes, STAFF)
            wanted[index].update(changes)
        archived = next(org for org in wanted if org["status"] == "verified")
        organizations.change_status(session, archived["id"], "archive", "Test", actor=None)
        archived["status"] = "archived"
    return wanted


def _organisation(number: int, rng: random.Random) -> dict[str, Any]:
    # Same-length names and descriptions: many equal bm25 scores, so names break the ties.
    name = f"{'Theater' if number % 4 == 0 else 'Verein'} {number:02d}"
    description = "Wir treffen uns im Vereinsheim." if number % 5 == 0 else "Wir treffen uns im Stadtteil."
    return {
        "name": name,
        "description": description,
        "district": rng.choice(["Köln-Mülheim", "Köln-Porz", "Köln-Kalk"]),
        "type": rng.choice(["school", "sports_club", "cultural_association"]),
        "fields_of_work": rng.sample(["education", "sport", "culture", "health"], rng.randint(1, 2)),
        "languages": rng.sample(["de", "tr", "ar", "uk"], rng.randint(1, 2)),
        "status": rng.choice(list(STEPS)),
    }


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["scanned", "driven"])
def test_a_search_by_filters_alone_counts_and_pages_as_its_organisations_are(
    apps: Apps, registry: list[dict[str, Any]], tokens: Any, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(sqlite, "DRIVEN_SHARE", share)
    network = apps.client("network")
    for filters in FILTERS:
        for staff in (True, False):
            seen = _visible(registry, staff)
            hits = sorted((org for org in seen if _passes(org, filters)), key=lambda o: (o["name"], o["id"]))
            found = _search(network, tokens, filters, staff)
            assert found["ids"] == [org["id"] for org in hits], (filters, staff)
            assert found["facets"] == _counted(seen, filters), (filters, staff)


@pytest.mark.parametrize("margin", [0, 1, 1_000])
def test_a_text_search_pages_by_relevance_then_name_however_far_ties_reach(
    apps: Apps, registry: list[dict[str, Any]], tokens: Any, monkeypatch: pytest.MonkeyPatch, margin: int
) -> None:
    monkeypatch.setattr(sqlite, "TIE_MARGIN", margin)
    network = apps.client("network")
    for text, filters in TEXTS:
        for staff in (True, False):
            query = domain.SearchQuery(text, {k: tuple(v) for k, v in filters.items()}, _statuses(staff))
            expected = _ordered_ids(apps, query)
            matches = set(_ordered_ids(apps, domain.SearchQuery(text, {}, None)))
            seen = [org for org in _visible(registry, staff) if org["id"] in matches]
            found = _search(network, tokens, {"q": [text], **filters}, staff)
            assert found["ids"] == expected and expected, (text, filters, staff)
            assert found["facets"] == _counted(seen, filters), (text, filters, staff)


def _search(network: FlaskClient, tokens: Any, params: dict[str, list[str]], staff: bool) -> dict[str, Any]:
    """Every page of a search (four per page): the ids in order and the first page's facets."""
    headers = tokens.headers("caseworker") if staff else {}
    pages = []
    while not pages or len(pages) < pages[0]["pages"]:
        query = [(name, value) for name, values in params.items() for value in values]
        query += [("per_page", "4"), ("page", str(len(pages) + 1))]
        response = network.get(SEARCH, query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        pages.append(response.json)
        if not pages[0]["total"]:
            break
    facets = {name: {row["value"]: row["count"] for row in rows} for name, rows in pages[0]["facets"].items()}
    return {"ids": [item["id"] for page in pages for item in page["items"]], "facets": facets}


def _ordered_ids(apps: Apps, query: domain.SearchQuery) -> list[str]:
    """The export's order (one SQL ORDER BY over every match): what the pages must add up to."""
    with builders.session_factory(apps.network)() as session:
        return list(session.scalars(statements.ordered(session, query).with_only_columns(Organization.id)))


def _statuses(staff: bool) -> tuple[str, ...] | None:
    return None if staff else ("verified",)


def _visible(registry: list[dict[str, Any]], staff: bool) -> list[dict[str, Any]]:
    return [org for org in registry if staff or org["status"] == "verified"]


def _values(org: dict[str, Any], facet: str) -> list[str]:
    return list(org[LISTS[facet]]) if facet in LISTS else [org[facet]]


def _passes(org: dict[str, Any], filters: dict[str, list[str]], leaving_out: str = "") -> bool:
    return all(
        set(_values(org, name)) & set(values) for name, values in filters.items() if name != leaving_out
    )


def _counted(seen: list[dict[str, Any]], filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Each facet counted over the organisations passing every other filter."""
    return {
        facet: dict(
            Counter(value for org in seen if _passes(org, filters, facet) for value in _values(org, facet))
        )
        for facet in domain.FACETS
    }
