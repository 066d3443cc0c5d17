"""Organisations: staff create and change them, history per field, status changes as events,
and nobody from another organisation sees what is not theirs."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from services.funding.events import HANDLERS as FUNDING_HANDLERS
from services.funding.models import EligibleOrganization
from services.funding.models import inbox as funding_inbox
from tests.conftest import Apps
from tests.integration.network.registry_helpers import ORGS, create_organisation, verify
from tests.support import builders
from tests.support.tokens import TokenMaker


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def test_staff_create_an_organisation_in_status_registered_with_all_its_fields(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    created = create_organisation(network, tokens)

    assert created["status"] == "registered"
    assert created["fields_of_work"] == ["language", "parents"]
    assert created["languages"] == ["de", "ku", "tr"]
    assert created["target_groups"] == ["new_arrivals", "parents"]
    assert created["district"] == "Köln-Mülheim" and created["legal_form"] == "ev"


def test_an_applicant_cannot_create_an_organisation_through_the_staff_endpoint(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    response = network.post(ORGS, json={"name": "Neuer Verein"}, headers=tokens.headers("applicant"))
    assert response.status_code == 403


def test_a_missing_name_and_a_bad_postal_code_are_named(network: FlaskClient, tokens: TokenMaker) -> None:
    response = network.post(ORGS, json={"postal_code": "5106"}, headers=tokens.headers("caseworker"))

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "postal_code"}


def test_each_changed_field_is_recorded_with_who_old_and_new(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    caseworker_id = str(uuid.uuid4())
    headers = tokens.headers("caseworker", user_id=caseworker_id)

    response = network.patch(
        f"{ORGS}/{org['id']}",
        json={"name": "Brückenbau Köln e.V.", "languages": ["de", "tr"], "city": "Köln"},
        headers=headers,
    )
    history = network.get(f"{ORGS}/{org['id']}/history", headers=headers).json

    assert response.status_code == 200, response.json
    changes = {entry["field"]: entry for entry in history if entry["field"] != "status"}
    assert set(changes) == {"name", "languages"}  # the city did not change
    assert changes["name"]["old_value"] == "Brückenbau e.V."
    assert changes["name"]["new_value"] == "Brückenbau Köln e.V."
    assert changes["languages"]["old_value"] == ["de", "ku", "tr"]
    assert changes["name"]["actor_id"] == caseworker_id and changes["name"]["changed_at"]


def test_applicants_edit_their_own_organisation_but_not_another(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    own = create_organisation(network, tokens)
    other = create_organisation(network, tokens, name="Anderer Verein", email="info@anderer.example")
    applicant = tokens.headers("applicant", orgs=(own["id"],))

    mine = network.patch(f"{ORGS}/{own['id']}", json={"description": "Neu"}, headers=applicant)
    theirs = network.patch(f"{ORGS}/{other['id']}", json={"description": "Neu"}, headers=applicant)

    assert mine.status_code == 200 and mine.json["description"] == "Neu"
    assert theirs.status_code == 404


def test_another_organisations_user_sees_nothing_of_an_unverified_organisation(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert network.get(f"{ORGS}/{org['id']}", headers=stranger).status_code == 404
    assert network.get(f"{ORGS}/{org['id']}/history", headers=stranger).status_code == 404
    assert network.get(ORGS, headers=stranger).json == []


def test_another_organisations_user_sees_only_public_fields_of_a_verified_one(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    verify(network, tokens, org["id"])
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    seen = network.get(f"{ORGS}/{org['id']}", headers=stranger).json
    listed = network.get(ORGS, headers=stranger).json

    assert seen["name"] == "Brückenbau e.V." and seen["status"] == "verified"
    assert "email" not in seen and "phone" not in seen
    assert [o["id"] for o in listed] == [org["id"]] and "email" not in listed[0]
    assert network.get(f"{ORGS}/{org['id']}/history", headers=stranger).status_code == 404


def test_members_see_all_fields_of_their_own_organisation(network: FlaskClient, tokens: TokenMaker) -> None:
    org = create_organisation(network, tokens)
    member = tokens.headers("applicant", orgs=(org["id"],))

    assert network.get(f"{ORGS}/{org['id']}", headers=member).json["email"] == "kontakt@bruecken.example"


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_verify_suspend_reactivate_and_archive_with_reasons(
    network: FlaskClient, tokens: TokenMaker, role: str
) -> None:
    org = create_organisation(network, tokens)
    headers = tokens.headers(role)
    steps = [
        ("verify", {}, "verified"),
        ("suspend", {"reason": "Satzung fehlt"}, "suspended"),
        ("reactivate", {"reason": "Satzung liegt vor"}, "verified"),
        ("archive", {"reason": "Verein aufgelöst"}, "archived"),
    ]
    for action, body, status in steps:
        response = network.post(f"{ORGS}/{org['id']}/{action}", json=body, headers=headers)
        assert response.status_code == 200, (action, response.json)
        assert response.json["status"] == status

    history = network.get(f"{ORGS}/{org['id']}/history", headers=headers).json
    statuses = [(e["new_value"], e["note"]) for e in history if e["field"] == "status"]
    assert statuses[-2:] == [("verified", "Satzung liegt vor"), ("archived", "Verein aufgelöst")]


@pytest.mark.parametrize("action", ["verify", "suspend", "reactivate", "archive"])
def test_an_applicant_cannot_change_the_status_even_of_their_own_organisation(
    network: FlaskClient, tokens: TokenMaker, action: str
) -> None:
    org = create_organisation(network, tokens)
    applicant = tokens.headers("applicant", orgs=(org["id"],))

    response = network.post(f"{ORGS}/{org['id']}/{action}", json={"reason": "weil"}, headers=applicant)

    assert response.status_code == 403


def test_suspending_needs_a_reason_and_a_verified_organisation(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    staff = tokens.headers("caseworker")

    no_reason = network.post(f"{ORGS}/{org['id']}/suspend", json={}, headers=staff)
    not_verified = network.post(f"{ORGS}/{org['id']}/suspend", json={"reason": "Prüfung"}, headers=staff)

    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    assert not_verified.status_code == 409


def test_status_changes_are_published_to_funding(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    verify(network, tokens, org["id"])
    network.post(f"{ORGS}/{org['id']}/suspend", json={"reason": "Prüfung"}, headers=tokens.headers("admin"))

    [suspended] = builders.network_events(apps.network, "network.organization.suspended", "funding")
    assert suspended["data"] == {"organization_id": org["id"], "reason": "Prüfung"}


def test_a_suspended_organisation_cannot_submit_and_may_again_once_reactivated(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    verify(network, tokens, org["id"])
    network.post(f"{ORGS}/{org['id']}/suspend", json={"reason": "Prüfung"}, headers=tokens.headers("admin"))
    builders.deliver_network_events(apps.network, apps.funding, "funding", funding_inbox, FUNDING_HANDLERS)
    call = builders.open_call(apps.funding)
    funding = apps.client("funding")
    applicant = tokens.headers("applicant", orgs=(org["id"],))
    created = funding.post(
        "/funding/api/v1/applications",
        json=builders.application_body(call.call_id, org["id"]),
        headers=applicant,
    )
    assert created.status_code == 201, created.json

    refused = funding.post(f"/funding/api/v1/applications/{created.json['id']}/submit", headers=applicant)

    assert refused.status_code == 409
    network.post(
        f"{ORGS}/{org['id']}/reactivate", json={"reason": "geklärt"}, headers=tokens.headers("admin")
    )
    builders.deliver_network_events(apps.network, apps.funding, "funding", funding_inbox, FUNDING_HANDLERS)
    with builders.session_factory(apps.funding)() as session:
        assert session.get(EligibleOrganization, org["id"]).status == "verified"
    submitted = funding.post(f"/funding/api/v1/applications/{created.json['id']}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.json
