"""``network.organization.changed``: the organisation's current profile (name, district, languages,
status), recorded with every change of these and when it enters the registry, and on a resync."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.network.services import imports, organizations, resync
from services.network.services.subscriptions import Links
from shared.db import transaction
from shared.signing import DEVELOPMENT_SECRET
from tests.conftest import Apps
from tests.integration.network.registry_helpers import ORGS, create_organisation, organisation_body, verify
from tests.support import builders
from tests.support.tokens import TokenMaker

CHANGED = "network.organization.changed"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def profiles(apps: Apps) -> list[dict[str, Any]]:
    """The payloads of the ``changed`` events network holds for notifications, oldest first."""
    return [event["data"] for event in builders.network_events(apps.network, CHANGED, "notifications")]


def profile(org: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The event payload an organisation as the API shows it should produce."""
    fields = ("name", "district", "languages", "status")
    return {"organization_id": org["id"], **{name: org[name] for name in fields}, **overrides}


def contact_snapshots(apps: Apps) -> list[dict[str, Any]]:
    return builders.network_events(apps.network, "network.contact.snapshot", "notifications")


def self_register(apps: Apps, network: FlaskClient) -> tuple[str, str]:
    """A self-registration, not yet confirmed: its organisation id and the confirmation token."""
    body = {
        "organization": organisation_body(name="Elternnetz Kalk", email="info@elternnetz.example"),
        "contact": {"name": "Olena Koval", "email": "olena@elternnetz.example", "language": "uk"},
        "consent_given": True,
        "consent_text_version": "datenschutz-2026-01",
    }
    response = network.post(f"{ORGS}/registrations", json=body)
    assert response.status_code == 202, response.json
    [requested] = builders.network_events(
        apps.network, "network.organization.registration_requested", "notifications"
    )
    token = re.search(r"token=([\w.\-]+)", requested["data"]["confirm_url"]).group(1)
    return response.json["organization_id"], token


def import_file(apps: Apps, network: FlaskClient, tokens: TokenMaker, name: str) -> None:
    """Upload through the API, then run the worker's use case here (test_import_worker runs the real one)."""
    body = {"file": (io.BytesIO((FIXTURES / name).read_bytes()), name)}
    headers = tokens.headers("caseworker")
    posted = network.post(
        "/network/api/v1/imports", headers=headers, data=body, content_type="multipart/form-data"
    )
    assert posted.status_code == 202, posted.json
    while not imports.run_import(builders.session_factory(apps.network), posted.json["id"]):
        pass


def test_an_organisation_created_by_staff_is_published_with_its_profile(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    created = create_organisation(network, tokens, languages=["de", "tr", "ku"])

    assert profiles(apps) == [
        {
            "organization_id": created["id"],
            "name": "Brückenbau e.V.",
            "district": "Köln-Mülheim",
            "languages": ["de", "ku", "tr"],  # in the order network keeps them, as the API shows them
            "status": "registered",
        }
    ]


def test_a_self_registration_is_published_only_once_its_email_is_confirmed(
    apps: Apps, network: FlaskClient
) -> None:
    organization_id, token = self_register(apps, network)
    assert profiles(apps) == []

    confirmed = network.get(f"{ORGS}/registrations/confirm", query_string={"token": token})
    network.get(f"{ORGS}/registrations/confirm", query_string={"token": token})  # opened twice

    assert confirmed.status_code == 200, confirmed.json
    [published] = profiles(apps)
    assert published["organization_id"] == organization_id
    assert (published["name"], published["status"]) == ("Elternnetz Kalk", "registered")
    assert published["languages"] == ["de", "ku", "tr"]


def test_an_unconfirmed_self_registration_stays_unpublished_even_when_staff_archive_it(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    organization_id, _token = self_register(apps, network)

    archived = network.post(
        f"{ORGS}/{organization_id}/archive", json={"reason": "Spam"}, headers=tokens.headers("caseworker")
    )

    assert archived.status_code == 200, archived.json
    assert profiles(apps) == []


def test_a_change_of_name_district_or_languages_publishes_the_new_profile(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    staff = tokens.headers("caseworker")

    for change in ({"name": "Brückenbau Köln e.V."}, {"district": "Köln-Kalk"}, {"languages": ["ar", "de"]}):
        response = network.patch(f"{ORGS}/{org['id']}", json=change, headers=staff)
        assert response.status_code == 200, response.json

    assert profiles(apps)[1:] == [
        profile(org, name="Brückenbau Köln e.V."),
        profile(org, name="Brückenbau Köln e.V.", district="Köln-Kalk"),
        profile(org, name="Brückenbau Köln e.V.", district="Köln-Kalk", languages=["ar", "de"]),
    ]


def test_a_change_of_other_fields_or_the_same_values_publishes_nothing(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    staff = tokens.headers("caseworker")
    unchanged_profile = {"name": org["name"], "district": org["district"], "languages": ["tr", "ku", "de"]}

    for change in (
        {"description": "Neu: Hausaufgabenhilfe"},
        {"website": "https://neu.example"},
        unchanged_profile,
    ):
        response = network.patch(f"{ORGS}/{org['id']}", json=change, headers=staff)
        assert response.status_code == 200, response.json

    assert profiles(apps) == [profile(org)]


def test_each_status_change_publishes_the_profile_with_the_new_status(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)
    staff = tokens.headers("caseworker")

    verify(network, tokens, org["id"])
    for action, reason in (
        ("suspend", "Satzung fehlt"),
        ("reactivate", "liegt vor"),
        ("archive", "aufgelöst"),
    ):
        response = network.post(f"{ORGS}/{org['id']}/{action}", json={"reason": reason}, headers=staff)
        assert response.status_code == 200, response.json

    assert profiles(apps) == [
        profile(org, status=status)
        for status in ("registered", "verified", "suspended", "verified", "archived")
    ]


def test_a_refused_change_leaves_no_event(apps: Apps, network: FlaskClient, tokens: TokenMaker) -> None:
    org = create_organisation(network, tokens)
    staff = tokens.headers("caseworker")

    invalid = network.patch(
        f"{ORGS}/{org['id']}", json={"name": "Neuer Name", "district": "Mars"}, headers=staff
    )
    not_verified = network.post(f"{ORGS}/{org['id']}/suspend", json={"reason": "Prüfung"}, headers=staff)

    assert invalid.status_code == 422 and not_verified.status_code == 409
    assert network.get(f"{ORGS}/{org['id']}", headers=staff).json["name"] == "Brückenbau e.V."
    assert profiles(apps) == [profile(org)]


def test_an_event_recorded_in_a_transaction_that_fails_is_rolled_back_with_it(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    org = create_organisation(network, tokens)

    with pytest.raises(RuntimeError), transaction(builders.session_factory(apps.network)) as session:
        organizations.change_status(session, org["id"], "verify", "", actor=None)
        raise RuntimeError("a later step of the same use case fails")

    assert profiles(apps) == [profile(org)]


def test_a_merge_publishes_the_duplicate_as_archived_and_the_survivor_with_what_it_gained(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    survivor = create_organisation(network, tokens, languages=["de"])
    duplicate = create_organisation(network, tokens, name="Brückenbau", languages=["ar", "de"])

    merged = network.post(
        f"{ORGS}/{survivor['id']}/merge",
        json={"duplicate_id": duplicate["id"]},
        headers=tokens.headers("admin"),
    )

    assert merged.status_code == 200, merged.json
    assert profiles(apps)[2:] == [
        profile(duplicate, status="archived"),
        profile(survivor, languages=["ar", "de"]),
    ]


def test_a_survivor_that_gains_no_profile_field_in_a_merge_is_not_published_again(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    survivor = create_organisation(network, tokens)
    duplicate = create_organisation(network, tokens, name="Brückenbau", languages=["de"])

    network.post(
        f"{ORGS}/{survivor['id']}/merge",
        json={"duplicate_id": duplicate["id"]},
        headers=tokens.headers("admin"),
    )

    assert profiles(apps)[2:] == [profile(duplicate, status="archived")]


def test_an_import_publishes_the_organisations_it_creates_and_changes_but_not_what_stays_the_same(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        existing = organizations.create(
            session, {"name": "Brueckenbau e.V.", "email": "kontakt@bruecken.example"}, None
        )
        existing_id = existing.id

    import_file(apps, network, tokens, "organisationen-utf8.csv")
    import_file(apps, network, tokens, "organisationen-utf8.csv")  # the same file again changes nothing

    imported = [(p["name"], p["district"], p["languages"], p["status"]) for p in profiles(apps)[1:]]
    assert imported == [
        ("Brückenbau e.V.", "Köln-Innenstadt", ["de", "tr"], "registered"),
        ("جمعية الأمل", "Köln-Mülheim", ["ar", "de"], "registered"),
        ("Українська громада Рейн", "Köln-Ehrenfeld", ["ru", "uk"], "registered"),
    ]  # the fourth row is rejected
    assert profiles(apps)[1]["organization_id"] == existing_id


def test_a_resync_publishes_every_organisation_in_the_registry_once(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    verified = builders.verified_organisation(apps.network, "Brückenbau e.V.", "ayse@bruecken.example")
    gone = create_organisation(network, tokens, name="Alter Verein", email="alt@verein.example")
    network.post(
        f"{ORGS}/{gone['id']}/archive", json={"reason": "aufgelöst"}, headers=tokens.headers("admin")
    )
    self_register(apps, network)  # not confirmed: not in the registry
    before = len(profiles(apps))
    snapshots_before = len(contact_snapshots(apps))

    with transaction(builders.session_factory(apps.network)) as session:
        snapshots = resync.publish_contact_snapshots(
            session, Links(DEVELOPMENT_SECRET, "http://127.0.0.1:8000"), "test-resync"
        )

    published = profiles(apps)[before:]
    assert [(p["organization_id"], p["status"]) for p in published] == [
        (verified.id, "verified"),
        (gone["id"], "archived"),
    ]
    # It still returns how many contact snapshots it published: Ayşe and the self-registration's contact.
    assert snapshots == len(contact_snapshots(apps)) - snapshots_before == 2
