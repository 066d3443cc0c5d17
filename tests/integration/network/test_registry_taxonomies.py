"""Taxonomies are data: public lists, admin edits, organisation input checked against active terms."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.integration.network.registry_helpers import ORGS, create_organisation, organisation_body
from tests.support import builders
from tests.support.tokens import TokenMaker

TAXONOMIES = "/network/api/v1/taxonomies"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def test_anyone_reads_the_seeded_districts_with_german_and_english_labels(network: FlaskClient) -> None:
    response = network.get(f"{TAXONOMIES}/district")

    assert response.status_code == 200
    keys = [term["key"] for term in response.json]
    assert "Köln-Mülheim" in keys and "Bergheim" in keys
    kalk = next(term for term in response.json if term["key"] == "Köln-Kalk")
    assert kalk["label_de"] == "Köln-Kalk" and kalk["label_en"] == "Cologne-Kalk"


@pytest.mark.parametrize("vocabulary", ["legal_form", "organization_type", "field_of_work", "target_group"])
def test_every_vocabulary_is_seeded(network: FlaskClient, vocabulary: str) -> None:
    assert len(network.get(f"{TAXONOMIES}/{vocabulary}").json) >= 5


def test_an_unknown_vocabulary_is_not_found(network: FlaskClient) -> None:
    assert network.get(f"{TAXONOMIES}/colours").status_code == 404


def test_admin_adds_renames_and_deactivates_a_term(network: FlaskClient, tokens: TokenMaker) -> None:
    admin = tokens.headers("admin")
    added = network.post(
        f"{TAXONOMIES}/field_of_work", json={"key": "digital", "label_de": "Digitales"}, headers=admin
    )
    assert added.status_code == 201, added.json
    renamed = network.patch(
        f"{TAXONOMIES}/field_of_work/digital",
        json={"label_de": "Digitale Teilhabe", "label_en": "digital inclusion"},
        headers=admin,
    )
    assert renamed.json["label_de"] == "Digitale Teilhabe"
    network.patch(f"{TAXONOMIES}/field_of_work/digital", json={"active": False}, headers=admin)

    public = [t["key"] for t in network.get(f"{TAXONOMIES}/field_of_work").json]
    everything = network.get(f"{TAXONOMIES}/field_of_work?include_inactive=true").json
    assert "digital" not in public
    assert any(t["key"] == "digital" and not t["active"] for t in everything)


@pytest.mark.parametrize("role", ["applicant", "caseworker", "approver"])
def test_only_an_admin_may_change_a_vocabulary(network: FlaskClient, tokens: TokenMaker, role: str) -> None:
    headers = tokens.headers(role)
    added = network.post(
        f"{TAXONOMIES}/district", json={"key": "Pulheim", "label_de": "Pulheim"}, headers=headers
    )
    renamed = network.patch(f"{TAXONOMIES}/district/Köln-Kalk", json={"label_de": "Kalk"}, headers=headers)

    deleted = network.delete(f"{TAXONOMIES}/district/Köln-Kalk", headers=headers)

    assert added.status_code == 403 and renamed.status_code == 403 and deleted.status_code == 403


def test_adding_an_existing_key_is_a_conflict(network: FlaskClient, tokens: TokenMaker) -> None:
    response = network.post(
        f"{TAXONOMIES}/legal_form", json={"key": "ev", "label_de": "Verein"}, headers=tokens.headers("admin")
    )
    assert response.status_code == 409


def test_a_term_in_use_cannot_be_deleted_only_deactivated(network: FlaskClient, tokens: TokenMaker) -> None:
    create_organisation(network, tokens)
    admin = tokens.headers("admin")

    refused = network.delete(f"{TAXONOMIES}/field_of_work/language", headers=admin)
    unused = network.delete(f"{TAXONOMIES}/field_of_work/housing", headers=admin)

    assert refused.status_code == 409 and "deactivate" in refused.json["detail"]
    assert unused.status_code == 204
    assert "language" in [t["key"] for t in network.get(f"{TAXONOMIES}/field_of_work").json]


def test_an_organisation_with_unknown_terms_is_refused_naming_each_field_and_value(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    body = organisation_body(
        type="kindergarten", fields_of_work=["language", "astrology"], languages=["de", "xx"]
    )

    response = network.post(ORGS, json=body, headers=tokens.headers("caseworker"))

    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["type"] == ["unknown organization_type: 'kindergarten'"]
    assert errors["fields_of_work"] == ["unknown field_of_work: 'astrology'"]
    assert errors["languages"] == ["not an ISO 639-1/-3 language code: 'xx'"]
    assert "legal_form" not in errors


def test_a_deactivated_term_is_no_longer_accepted_for_new_organisations(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    network.patch(f"{TAXONOMIES}/legal_form/gbr", json={"active": False}, headers=tokens.headers("admin"))

    response = network.post(
        ORGS, json=organisation_body(legal_form="gbr"), headers=tokens.headers("caseworker")
    )

    assert response.status_code == 422 and "legal_form" in response.json["errors"]


def test_iso_639_3_codes_of_community_languages_are_accepted(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    created = create_organisation(network, tokens, languages=["prs", "kmr", "ar"])
    assert created["languages"] == ["ar", "kmr", "prs"]
