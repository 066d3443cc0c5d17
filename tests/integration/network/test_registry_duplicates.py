"""Duplicates: found by similar name in one municipality, same email, same phone; merged with history."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.funding.events import HANDLERS as FUNDING_HANDLERS
from services.funding.models import EligibleOrganization
from services.funding.models import inbox as funding_inbox
from services.network.models import Membership
from tests.conftest import Apps
from tests.integration.network.registry_helpers import CONTACTS, ORGS, create_organisation, verify
from tests.support import builders
from tests.support.tokens import TokenMaker


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def duplicates(network: FlaskClient, tokens: TokenMaker, organization_id: str) -> dict[str, list[str]]:
    response = network.get(f"{ORGS}/{organization_id}/duplicates", headers=tokens.headers("caseworker"))
    assert response.status_code == 200, response.json
    return {d["organization"]["name"]: d["reasons"] for d in response.json}


def test_a_similarly_named_organisation_in_the_same_municipality_is_a_duplicate(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    original = create_organisation(network, tokens)
    create_organisation(network, tokens, name="Brueckenbau eV", email="", phone="", district="Köln-Kalk")
    create_organisation(
        network,
        tokens,
        name="Brückenbau e.V.",
        email="",
        phone="",
        municipality="Bergheim",
        district="Bergheim",
    )
    create_organisation(network, tokens, name="Elternverein Kalk", email="", phone="")

    assert duplicates(network, tokens, original["id"]) == {"Brueckenbau eV": ["similar_name"]}


def test_the_same_email_or_phone_anywhere_makes_a_duplicate(network: FlaskClient, tokens: TokenMaker) -> None:
    original = create_organisation(network, tokens)
    create_organisation(
        network,
        tokens,
        name="Verein A",
        email="KONTAKT@bruecken.example",
        phone="",
        municipality="Bergheim",
        district="Bergheim",
    )
    create_organisation(
        network,
        tokens,
        name="Verein B",
        email="",
        phone="0221 / 12 34 56",
        municipality="Brühl",
        district="Brühl",
    )

    assert duplicates(network, tokens, original["id"]) == {
        "Verein A": ["same_email"],
        "Verein B": ["same_phone"],
    }


def test_a_contact_persons_email_counts_too(network: FlaskClient, tokens: TokenMaker) -> None:
    original = create_organisation(network, tokens, email="")
    other = create_organisation(
        network, tokens, name="Ganz anders", email="", phone="", municipality="Hürth", district="Hürth"
    )
    for org in (original, other):
        network.post(
            CONTACTS,
            json={
                "name": "Ayşe Yılmaz",
                "email": "ayse@example.org",
                "affiliations": [{"organization_id": org["id"]}],
            },
            headers=tokens.headers("caseworker"),
        )

    assert duplicates(network, tokens, original["id"]) == {"Ganz anders": ["same_email"]}


def test_the_queue_shows_duplicate_candidates(network: FlaskClient, tokens: TokenMaker) -> None:
    create_organisation(network, tokens)
    create_organisation(network, tokens, name="Brückenbau", email="neu@bruecken.example", phone="")

    queue = network.get(f"{ORGS}/verification-queue", headers=tokens.headers("caseworker")).json

    assert len(queue) == 2
    assert all(len(entry["duplicates"]) == 1 for entry in queue)


@pytest.mark.parametrize("role", ["applicant"])
def test_duplicates_and_merge_are_for_staff_only(network: FlaskClient, tokens: TokenMaker, role: str) -> None:
    a = create_organisation(network, tokens)
    b = create_organisation(network, tokens, name="Brückenbau")
    member = tokens.headers(role, orgs=(a["id"], b["id"]))

    assert network.get(f"{ORGS}/{a['id']}/duplicates", headers=member).status_code == 403
    merged = network.post(f"{ORGS}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=member)
    assert merged.status_code == 403


def test_merging_moves_contacts_and_users_archives_the_duplicate_and_keeps_both_histories(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    survivor = create_organisation(network, tokens, website=None, languages=["de"])
    survivor = network.patch(
        f"{ORGS}/{survivor['id']}",
        json={"name": "Brückenbau Köln e.V."},
        headers=tokens.headers("caseworker"),
    ).json
    duplicate = create_organisation(
        network, tokens, name="Brueckenbau eV", website="https://alt.example", languages=["ar"]
    )
    contact = network.post(
        CONTACTS,
        json={
            "name": "Olena",
            "email": "olena@example.org",
            "affiliations": [{"organization_id": duplicate["id"], "function": "Kassenwartin"}],
        },
        headers=tokens.headers("caseworker"),
    ).json
    user_id = builders.user(apps.network, "antrag@bruecken.example", ["applicant"], [duplicate["id"]])
    staff = tokens.headers("approver", user_id=str(uuid.uuid4()))

    merged = network.post(
        f"{ORGS}/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=staff
    )

    assert merged.status_code == 200, merged.json
    assert merged.json["languages"] == ["ar", "de"] and merged.json["website"] == "https://alt.example"
    gone = network.get(f"{ORGS}/{duplicate['id']}", headers=staff).json
    assert gone["status"] == "archived" and gone["merged_into_id"] == survivor["id"]
    moved = network.get(f"{CONTACTS}/{contact['id']}", headers=staff).json
    assert moved["affiliations"] == [{"organization_id": survivor["id"], "function": "Kassenwartin"}]
    with builders.session_factory(apps.network)() as session:
        assert (
            session.scalar(select(Membership.organization_id).where(Membership.user_id == user_id))
            == survivor["id"]
        )
    survivor_history = [
        e["field"] for e in network.get(f"{ORGS}/{survivor['id']}/history", headers=staff).json
    ]
    duplicate_history = [
        e["field"] for e in network.get(f"{ORGS}/{duplicate['id']}/history", headers=staff).json
    ]
    assert "name" in survivor_history and "merged_from" in survivor_history
    assert duplicate_history[-2:] == ["status", "merged_into_id"]


def test_a_merged_organisation_is_no_longer_eligible_for_funding(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    survivor = create_organisation(network, tokens)
    duplicate = create_organisation(network, tokens, name="Brückenbau")
    verify(network, tokens, survivor["id"])
    verify(network, tokens, duplicate["id"])
    network.post(
        f"{ORGS}/{survivor['id']}/merge",
        json={"duplicate_id": duplicate["id"]},
        headers=tokens.headers("caseworker"),
    )

    builders.deliver_network_events(apps.network, apps.funding, "funding", funding_inbox, FUNDING_HANDLERS)

    with builders.session_factory(apps.funding)() as session:
        assert session.get(EligibleOrganization, duplicate["id"]).status == "merged"
        assert session.get(EligibleOrganization, survivor["id"]).status == "verified"


def test_an_organisation_cannot_be_merged_into_itself_or_twice(
    network: FlaskClient, tokens: TokenMaker
) -> None:
    a = create_organisation(network, tokens)
    b = create_organisation(network, tokens, name="Brückenbau")
    staff = tokens.headers("caseworker")

    itself = network.post(f"{ORGS}/{a['id']}/merge", json={"duplicate_id": a["id"]}, headers=staff)
    network.post(f"{ORGS}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=staff)
    again = network.post(f"{ORGS}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=staff)
    unknown = network.post(f"{ORGS}/{a['id']}/merge", json={"duplicate_id": str(uuid.uuid4())}, headers=staff)

    assert itself.status_code == 422 and "duplicate_id" in itself.json["errors"]
    assert again.status_code == 409
    assert unknown.status_code == 404
