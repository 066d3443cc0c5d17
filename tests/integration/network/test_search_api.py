"""Searching the organisation registry: relevance, facets, who sees what, paging, a live index."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from services.network.services import organizations, taxonomies
from shared.auth import Actor
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders

SEARCH = "/network/api/v1/search/organizations"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    with transaction(builders.session_factory(apps.network)) as session:
        taxonomies.seed(session)
    return apps.client("network")


def add(apps: Apps, name: str, status: str = "verified", **data: Any) -> str:
    """An organisation in ``status``, made through the registry's own use cases."""
    data = {"name": name, "district": "Köln-Mülheim", "type": "cultural_association", **data}
    with transaction(builders.session_factory(apps.network)) as session:
        organization = organizations.create(session, data, actor=None)
        steps = {"registered": [], "verified": ["verify"], "suspended": ["verify", "suspend"]}[status]
        for action in steps:
            organizations.change_status(session, organization.id, action, "Test", actor=None)
        return organization.id


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["name"] for item in response.json["items"]]


def facet(response: Any, name: str) -> dict[str, int]:
    return {row["value"]: row["count"] for row in response.json["facets"][name]}


def test_a_name_match_ranks_before_a_description_match(apps: Apps, network: FlaskClient) -> None:
    add(apps, "Aachener Nachbarschaftshilfe", description="Wir kochen mit dem Sprachcafé zusammen.")
    add(apps, "Sprachcafé Mülheim", description="Deutsch lernen bei Kaffee und Kuchen.")
    add(apps, "Zeitzeugen e.V.", description="Erinnerungen an die Anwerbung 1961.")

    found = names(network.get(SEARCH, query_string={"q": "Sprachcafé"}))

    assert found == ["Sprachcafé Mülheim", "Aachener Nachbarschaftshilfe"]


def test_type_ahead_finds_a_word_by_its_beginning_and_several_words_must_all_occur(
    apps: Apps, network: FlaskClient
) -> None:
    add(apps, "Brückenbau e.V.", description="Eltern und Schule im Gespräch.")
    add(apps, "Brücke der Kulturen", description="Musik und Tanz.")

    assert names(network.get(SEARCH, query_string={"q": "Brück"})) == [
        "Brücke der Kulturen",
        "Brückenbau e.V.",
    ]
    assert names(network.get(SEARCH, query_string={"q": "brückenbau eltern"})) == ["Brückenbau e.V."]
    assert names(network.get(SEARCH, query_string={"q": '"Brück* OR NOT ('})) == []


def test_search_folds_umlauts_so_koln_finds_koeln_spelled_with_umlaut(
    apps: Apps, network: FlaskClient
) -> None:
    # SQLite's unicode61 tokenizer removes diacritics; PostgreSQL's german stemmer folds them too.
    add(apps, "Türkischer Elternverein", city="Köln")

    assert names(network.get(SEARCH, query_string={"q": "turkischer koln"})) == ["Türkischer Elternverein"]


def test_each_facet_is_counted_with_all_other_filters_applied(apps: Apps, network: FlaskClient) -> None:
    add(
        apps,
        "A",
        district="Köln-Mülheim",
        type="school",
        fields_of_work=["education"],
        languages=["de", "tr"],
    )
    add(apps, "B", district="Köln-Mülheim", type="sports_club", fields_of_work=["sport"], languages=["tr"])
    add(
        apps,
        "C",
        district="Köln-Porz",
        type="school",
        fields_of_work=["education", "sport"],
        languages=["ar"],
    )

    response = network.get(SEARCH, query_string={"district": "Köln-Mülheim", "field_of_work": "education"})

    assert names(response) == ["A"] and response.json["total"] == 1
    assert facet(response, "district") == {"Köln-Mülheim": 1, "Köln-Porz": 1}  # district filter left out
    assert facet(response, "field_of_work") == {"education": 1, "sport": 1}  # Mülheim's A and B
    assert facet(response, "type") == {"school": 1}
    assert facet(response, "language") == {"de": 1, "tr": 1}
    labels = {row["value"]: row["label"] for row in response.json["facets"]["type"]}
    assert labels == {"school": "Schule"}


def test_several_values_of_one_facet_match_any_of_them(apps: Apps, network: FlaskClient) -> None:
    add(apps, "A", district="Köln-Mülheim")
    add(apps, "B", district="Köln-Porz")
    add(apps, "C", district="Köln-Kalk")

    response = network.get(SEARCH, query_string=[("district", "Köln-Porz"), ("district", "Köln-Kalk")])

    assert names(response) == ["B", "C"]


def test_anonymous_callers_see_verified_organisations_without_address_or_contact_data(
    apps: Apps, network: FlaskClient
) -> None:
    add(apps, "Geprüft e.V.", email="info@geprueft.example", phone="0221 1", street="Weg 1")
    add(apps, "Neu e.V.", status="registered")
    add(apps, "Gesperrt e.V.", status="suspended")

    response = network.get(SEARCH)

    assert names(response) == ["Geprüft e.V."]
    item = response.json["items"][0]
    assert not {"email", "phone", "street", "status"} & set(item)
    assert facet(response, "status") == {"verified": 1}


def test_an_applicant_sees_no_registered_or_suspended_organisation_not_even_another_ones(
    apps: Apps, network: FlaskClient, tokens: Any
) -> None:
    own = add(apps, "Eigener Verein", email="eigen@verein.example")
    other = add(apps, "Fremder Verein", status="registered")
    add(apps, "Gesperrter Verein", status="suspended")
    applicant = tokens.headers("applicant", orgs=(own,))

    response = network.get(SEARCH, headers=applicant)
    by_status = network.get(SEARCH, query_string={"status": "registered"}, headers=applicant)

    assert names(response) == ["Eigener Verein"]
    assert response.json["items"][0]["email"] == "eigen@verein.example"  # business contact, signed in
    assert "status" not in response.json["items"][0]
    assert names(by_status) == [] and other not in by_status.get_data(as_text=True)


def test_staff_see_every_status_and_may_filter_by_it(apps: Apps, network: FlaskClient, tokens: Any) -> None:
    add(apps, "Geprüft e.V.")
    add(apps, "Neu e.V.", status="registered")
    add(apps, "Gesperrt e.V.", status="suspended")
    staff = tokens.headers("caseworker")

    everything = network.get(SEARCH, headers=staff)
    waiting = network.get(SEARCH, query_string={"status": "registered"}, headers=staff)

    assert names(everything) == ["Geprüft e.V.", "Gesperrt e.V.", "Neu e.V."]
    assert facet(waiting, "status") == {"registered": 1, "suspended": 1, "verified": 1}
    assert names(waiting) == ["Neu e.V."] and waiting.json["items"][0]["status"] == "registered"


def test_pages_split_the_results_without_overlap_and_report_the_total(
    apps: Apps, network: FlaskClient
) -> None:
    for number in range(7):
        add(apps, f"Verein {number}")

    pages = [network.get(SEARCH, query_string={"q": "verein", "per_page": 3, "page": p}) for p in (1, 2, 3)]

    assert [names(page) for page in pages] == [
        ["Verein 0", "Verein 1", "Verein 2"],
        ["Verein 3", "Verein 4", "Verein 5"],
        ["Verein 6"],
    ]
    assert pages[0].json["total"] == 7 and pages[0].json["pages"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "zwei"}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"page": 1000, "per_page": 100}, "page"),
        ({"district": "Atlantis"}, "district"),
        ({"type": "raumschiff"}, "type"),
        ({"field_of_work": "zaubern"}, "field_of_work"),
        ({"language": "klingonisch"}, "language"),
        ({"status": "deleted"}, "status"),
    ],
)
def test_bad_paging_or_an_unknown_facet_value_is_422_naming_the_field(
    network: FlaskClient, query: dict[str, Any], field: str
) -> None:
    response = network.get(SEARCH, query_string=query)

    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {field}


def test_an_invalid_token_is_refused_rather_than_treated_as_anonymous(network: FlaskClient) -> None:
    response = network.get(SEARCH, headers={"Authorization": "Bearer kaputt"})

    assert response.status_code == 401


def test_the_index_follows_raw_sql_updates_and_deletes(apps: Apps, network: FlaskClient) -> None:
    kept = add(apps, "Alter Name e.V.", description="Theatergruppe")
    gone = add(apps, "Verschwindet e.V.", description="Theatergruppe")
    with transaction(builders.session_factory(apps.network)) as session:
        session.execute(text("UPDATE organization SET name = 'Neuer Name e.V.' WHERE id = :id"), {"id": kept})
        session.execute(text("DELETE FROM organization_change WHERE organization_id = :id"), {"id": gone})
        session.execute(text("DELETE FROM organization WHERE id = :id"), {"id": gone})

    assert names(network.get(SEARCH, query_string={"q": "Alter"})) == []
    assert names(network.get(SEARCH, query_string={"q": "Neuer"})) == ["Neuer Name e.V."]
    assert names(network.get(SEARCH, query_string={"q": "Theatergruppe"})) == ["Neuer Name e.V."]


def test_unfiltered_facet_counts_stay_right_through_edits_status_changes_and_raw_deletes(
    apps: Apps, network: FlaskClient, tokens: Any
) -> None:
    staff = tokens.headers("admin")
    every_status = [("status", status) for status in ("registered", "verified", "suspended", "archived")]
    a = add(apps, "A", type="school", fields_of_work=["education"], languages=["de", "tr"])
    b = add(apps, "B", status="registered", type="school", fields_of_work=["sport"], languages=["ar"])
    c = add(apps, "C", status="suspended", district="Köln-Porz", fields_of_work=["education", "sport"])
    with transaction(builders.session_factory(apps.network)) as session:
        organizations.update(session, a, {"type": "daycare", "fields_of_work": ["sport"]}, tokens_actor())
        organizations.change_status(session, b, "verify", "geprüft", actor=None)
        session.execute(text("DELETE FROM organization_field_of_work WHERE organization_id = :id"), {"id": c})
        session.execute(text("DELETE FROM organization_change WHERE organization_id = :id"), {"id": c})
        session.execute(text("DELETE FROM organization WHERE id = :id"), {"id": c})

    stored = network.get(SEARCH, headers=staff).json["facets"]  # kept by triggers
    live = network.get(SEARCH, query_string=every_status, headers=staff).json["facets"]  # counted now
    public = network.get(SEARCH).json["facets"]

    for name in ("type", "district", "field_of_work", "language"):
        assert stored[name] == live[name], name
    assert facet_counts(stored, "type") == {"daycare": 1, "school": 1}
    assert facet_counts(stored, "field_of_work") == {"sport": 2}
    assert facet_counts(stored, "status") == {"verified": 2}
    assert facet_counts(public, "language") == {"ar": 1, "de": 1, "tr": 1}


def tokens_actor() -> Actor:
    return Actor(user_id="00000000-0000-0000-0000-000000000001", email="sb@ki.example", roles=("caseworker",))


def facet_counts(facets: dict[str, Any], name: str) -> dict[str, int]:
    return {row["value"]: row["count"] for row in facets[name]}


def test_a_search_by_filters_alone_pages_its_matches_by_name_with_their_term_lists(
    apps: Apps, network: FlaskClient
) -> None:
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        add(apps, name, fields_of_work=["education", "sport"], languages=["tr", "de"])
    add(apps, "Aaa ohne Türkisch", fields_of_work=["education"], languages=["de"])
    query = {"field_of_work": "education", "language": "tr", "per_page": 3}

    first, second = (network.get(SEARCH, query_string={**query, "page": p}) for p in (1, 2))

    assert names(first) == ["Alpha", "Bravo", "Charlie"] and names(second) == ["Delta"]
    assert first.json["total"] == 4 and first.json["pages"] == 2
    item = first.json["items"][0]
    assert item["fields_of_work"] == ["education", "sport"] and item["languages"] == ["de", "tr"]


def test_a_known_filter_value_that_no_organisation_has_finds_nothing(
    apps: Apps, network: FlaskClient
) -> None:
    add(apps, "A", fields_of_work=["education"])

    response = network.get(SEARCH, query_string={"field_of_work": "health", "district": "Köln-Mülheim"})

    assert names(response) == [] and response.json["total"] == 0
    assert facet(response, "field_of_work") == {"education": 1}  # the alternative still shows


def test_a_text_search_filters_and_counts_fields_of_work_as_they_are_after_an_edit(
    apps: Apps, network: FlaskClient
) -> None:
    edited = add(apps, "Theater Eins", fields_of_work=["education"], languages=["de"])
    add(apps, "Theater Zwei", fields_of_work=["education", "culture"], languages=["de", "uk"])
    with transaction(builders.session_factory(apps.network)) as session:
        organizations.update(
            session, edited, {"fields_of_work": ["culture"], "languages": ["uk"]}, tokens_actor()
        )
        session.execute(text("DELETE FROM organization_language WHERE organization_id = :id"), {"id": edited})

    response = network.get(SEARCH, query_string={"q": "theater", "field_of_work": "culture"})

    assert names(response) == ["Theater Eins", "Theater Zwei"]
    assert facet(response, "field_of_work") == {"culture": 2, "education": 1}
    assert facet(response, "language") == {"de": 1, "uk": 1}
    assert names(network.get(SEARCH, query_string={"q": "theater", "language": "uk"})) == ["Theater Zwei"]


def test_an_edited_organisation_is_counted_and_found_as_it_is_after_the_edit(
    apps: Apps, network: FlaskClient
) -> None:
    edited = add(apps, "Theater Alt", district="Köln-Porz", fields_of_work=["culture"], languages=["de"])
    add(apps, "Theater Zwei", district="Köln-Porz", fields_of_work=["culture"], languages=["de"])
    with transaction(builders.session_factory(apps.network)) as session:
        organizations.update(session, edited, {"name": "Bühne Neu", "type": "school"}, tokens_actor())
        # Raw SQL too, with values no organisation had yet (new facet codes on PostgreSQL).
        session.execute(text("UPDATE organization SET district = 'Köln-Kalk' WHERE id = :id"), {"id": edited})
        session.execute(
            text("INSERT INTO organization_field_of_work (organization_id, term) VALUES (:id, 'health')"),
            {"id": edited},
        )
        session.execute(text("DELETE FROM organization_language WHERE organization_id = :id"), {"id": edited})

    by_text = network.get(SEARCH, query_string={"q": "bühne"})
    by_filters = network.get(SEARCH, query_string={"field_of_work": "health", "district": "Köln-Kalk"})
    by_district = network.get(SEARCH, query_string={"q": "theater", "district": "Köln-Porz"})

    assert names(by_text) == ["Bühne Neu"] and names(network.get(SEARCH, query_string={"q": "alt"})) == []
    assert facet(by_text, "district") == {"Köln-Kalk": 1} and facet(by_text, "type") == {"school": 1}
    assert facet(by_text, "field_of_work") == {"culture": 1, "health": 1} and facet(by_text, "language") == {}
    assert names(by_filters) == ["Bühne Neu"]
    assert facet(by_filters, "district") == {"Köln-Kalk": 1}  # its district filter left out
    assert facet(by_filters, "field_of_work") == {"culture": 1, "health": 1}
    assert names(by_district) == ["Theater Zwei"] and facet(by_district, "district") == {"Köln-Porz": 1}
