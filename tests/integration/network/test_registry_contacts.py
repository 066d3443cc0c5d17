"""Contact persons: functions in several organisations, consents, and what other users may see."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.notifications.events import HANDLERS as NOTIFICATION_HANDLERS
from services.notifications.models import Recipient
from services.notifications.models import inbox as notifications_inbox
from tests.conftest import Apps
from tests.integration.network.registry_helpers import CONTACTS, create_organisation
from tests.support import builders
from tests.support.tokens import TokenMaker


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


@pytest.fixture
def orgs(network: FlaskClient, tokens: TokenMaker) -> tuple[str, str]:
    first = create_organisation(network, tokens)
    second = create_organisation(
        network, tokens, name="Elternnetz Kalk", email="", phone="", district="Köln-Kalk"
    )
    return first["id"], second["id"]


def add_contact(network: FlaskClient, headers: dict[str, str], *affiliations: tuple[str, str]) -> Any:
    body = {
        "name": "Ayşe Yılmaz",
        "email": "Ayse@Example.org",
        "phone": "0221 555",
        "language": "tr",
        "affiliations": [{"organization_id": org, "function": function} for org, function in affiliations],
    }
    return network.post(CONTACTS, json=body, headers=headers)


def test_a_person_may_hold_functions_in_several_organisations(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    created = add_contact(
        network, tokens.headers("caseworker"), (orgs[0], "Vorstand"), (orgs[1], "Kassenwartin")
    )

    assert created.status_code == 201, created.json
    assert created.json["email"] == "ayse@example.org"
    assert sorted((a["organization_id"], a["function"]) for a in created.json["affiliations"]) == sorted(
        [(orgs[0], "Vorstand"), (orgs[1], "Kassenwartin")]
    )


def test_an_applicant_manages_contacts_of_their_own_organisation_only(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    applicant = tokens.headers("applicant", orgs=(orgs[0],))

    own = add_contact(network, applicant, (orgs[0], "Vorstand"))
    foreign = add_contact(network, applicant, (orgs[1], "Vorstand"))
    none = add_contact(network, applicant)

    assert own.status_code == 201
    assert foreign.status_code == 403
    assert none.status_code == 422 and "affiliations" in none.json["errors"]


def test_applicant_cannot_see_another_organisations_contacts(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    staff = tokens.headers("caseworker")
    theirs = add_contact(network, staff, (orgs[1], "Vorstand")).json
    consent = {"purpose": "newsletter", "method": "form", "text_version": "v1"}
    consent_id = network.post(f"{CONTACTS}/{theirs['id']}/consents", json=consent, headers=staff).json["id"]
    stranger = tokens.headers("applicant", orgs=(orgs[0],))
    url = f"{CONTACTS}/{theirs['id']}"

    assert network.get(CONTACTS, headers=stranger).json == []
    assert network.get(CONTACTS, query_string={"organization_id": orgs[1]}, headers=stranger).json == []
    assert network.get(url, headers=stranger).status_code == 404
    assert network.patch(url, json={"name": "Xaver"}, headers=stranger).status_code == 404
    assert network.post(f"{url}/consents", json=consent, headers=stranger).status_code == 404
    assert network.post(f"{url}/consents/{consent_id}/withdraw", headers=stranger).status_code == 404
    affiliation = f"{url}/affiliations/{orgs[0]}"
    assert network.put(affiliation, json={"function": "x"}, headers=stranger).status_code == 404
    assert network.delete(url, headers=stranger).status_code in (403, 404)


def test_staff_list_contacts_filtered_by_organisation(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    staff = tokens.headers("caseworker")
    add_contact(network, staff, (orgs[0], "Vorstand"))
    other = network.post(
        CONTACTS,
        json={"name": "Olena", "email": "olena@example.org", "affiliations": [{"organization_id": orgs[1]}]},
        headers=staff,
    ).json

    listed = network.get(CONTACTS, query_string={"organization_id": orgs[1]}, headers=staff).json

    assert [c["id"] for c in listed] == [other["id"]]


def test_a_function_is_changed_and_an_affiliation_removed(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    staff = tokens.headers("caseworker")
    contact = add_contact(network, staff, (orgs[0], "Vorstand")).json
    url = f"{CONTACTS}/{contact['id']}/affiliations"

    added = network.put(f"{url}/{orgs[1]}", json={"function": "Beirat"}, headers=staff)
    changed = network.put(f"{url}/{orgs[0]}", json={"function": "Geschäftsführung"}, headers=staff)
    removed = network.delete(f"{url}/{orgs[1]}", headers=staff)

    assert len(added.json["affiliations"]) == 2
    assert {a["function"] for a in changed.json["affiliations"]} == {"Geschäftsführung", "Beirat"}
    assert removed.json["affiliations"] == [{"organization_id": orgs[0], "function": "Geschäftsführung"}]


def test_consents_are_recorded_listed_and_withdrawn(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    applicant = tokens.headers("applicant", orgs=(orgs[0],))
    contact = add_contact(network, applicant, (orgs[0], "Vorstand")).json
    body = {
        "purpose": "newsletter",
        "method": "in_person",
        "text_version": "einwilligung-2026-03",
        "proof": "Unterschrift auf Papier, Ordner 12",
    }

    recorded = network.post(f"{CONTACTS}/{contact['id']}/consents", json=body, headers=applicant)
    listed = network.get(f"{CONTACTS}/{contact['id']}", headers=applicant).json["consents"]
    withdrawn = network.post(
        f"{CONTACTS}/{contact['id']}/consents/{recorded.json['id']}/withdraw", headers=applicant
    )
    again = network.post(
        f"{CONTACTS}/{contact['id']}/consents/{recorded.json['id']}/withdraw", headers=applicant
    )

    assert recorded.status_code == 201, recorded.json
    assert [(c["purpose"], c["method"], c["text_version"]) for c in listed] == [
        ("newsletter", "in_person", "einwilligung-2026-03")
    ]
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn_at"]
    assert again.status_code == 409
    assert network.get(f"{CONTACTS}/{contact['id']}", headers=applicant).json["consents"] == []


def test_a_consent_method_must_be_form_import_or_in_person(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    staff = tokens.headers("caseworker")
    contact = add_contact(network, staff, (orgs[0], "Vorstand")).json
    body = {"purpose": "newsletter", "method": "telepathy", "text_version": "v1"}

    response = network.post(f"{CONTACTS}/{contact['id']}/consents", json=body, headers=staff)

    assert response.status_code == 422 and "method" in response.json["errors"]


def test_a_bad_language_code_is_refused(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    staff = tokens.headers("caseworker")
    contact = add_contact(network, staff, (orgs[0], "Vorstand")).json

    response = network.patch(f"{CONTACTS}/{contact['id']}", json={"language": "klingon"}, headers=staff)

    assert response.status_code == 422 and "language" in response.json["errors"]


def test_a_changed_email_reaches_notifications_copy_of_the_recipient(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str]
) -> None:
    organisation = builders.verified_organisation(apps.network, "Nachbarschaft e.V.", "alt@nachbarn.example")
    staff = tokens.headers("caseworker")
    [contact] = network.get(CONTACTS, query_string={"organization_id": organisation.id}, headers=staff).json

    response = network.patch(
        f"{CONTACTS}/{contact['id']}", json={"email": "Neu@Nachbarn.example", "language": "uk"}, headers=staff
    )
    builders.deliver_network_events(
        apps.network, apps.notifications, "notifications", notifications_inbox, NOTIFICATION_HANDLERS
    )

    assert response.status_code == 200
    [event] = builders.network_events(apps.network, "network.contact.updated", "notifications")
    assert event["data"]["email"] == "neu@nachbarn.example"
    with builders.session_factory(apps.notifications)() as session:
        recipient = session.get(Recipient, contact["id"])
        assert (recipient.email, recipient.language) == ("neu@nachbarn.example", "uk")


def test_a_phone_change_publishes_nothing(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str], apps: Apps
) -> None:
    staff = tokens.headers("caseworker")
    contact = add_contact(network, staff, (orgs[0], "Vorstand")).json

    network.patch(f"{CONTACTS}/{contact['id']}", json={"phone": "0221 999"}, headers=staff)

    assert builders.network_events(apps.network, "network.contact.updated", "notifications") == []


@pytest.mark.parametrize("role", ["applicant"])
def test_only_staff_delete_a_contact_record(
    network: FlaskClient, tokens: TokenMaker, orgs: tuple[str, str], role: str
) -> None:
    member = tokens.headers(role, orgs=(orgs[0],), user_id=str(uuid.uuid4()))
    contact = add_contact(network, member, (orgs[0], "Vorstand")).json

    refused = network.delete(f"{CONTACTS}/{contact['id']}", headers=member)
    deleted = network.delete(f"{CONTACTS}/{contact['id']}", headers=tokens.headers("admin"))

    assert refused.status_code == 403 and deleted.status_code == 204
    assert network.get(f"{CONTACTS}/{contact['id']}", headers=tokens.headers("admin")).status_code == 404
