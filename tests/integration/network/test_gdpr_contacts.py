"""GDPR: export everything network holds on a person, erase it, and refuse what retention holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import (
    Affiliation,
    Consent,
    ContactPerson,
    OrganizationChange,
    OutboxMessage,
    Registration,
    Subscription,
)
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders
from tests.support.tokens import TokenMaker

API = "/network/api/v1"
GDPR = f"{API}/gdpr/contacts"
EMAIL = "olena@nova-hata.example"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def admin(tokens: TokenMaker) -> dict[str, str]:
    return tokens.headers("admin")


def event(network: FlaskClient, tokens: TokenMaker, title: str = "Netzwerktreffen") -> str:
    staff = tokens.headers("caseworker")
    body = {
        "title": title,
        "starts_at": "2030-03-10T18:00:00",
        "ends_at": "2030-03-10T20:00:00",
        "place": "KI",
    }
    event_id = network.post(f"{API}/ki-events", json=body, headers=staff).json["id"]
    network.post(f"{API}/ki-events/{event_id}/publish", headers=staff)
    return event_id


def subscriber(apps: Apps, network: FlaskClient) -> str:
    """A person who subscribed through the public form and confirmed."""
    form = {
        "email": EMAIL,
        "name": "Olena Kovalenko",
        "language": "uk",
        "topics": ["ki_events"],
        "districts": ["Köln-Kalk"],
        "consent_text_version": "2026-11",
    }
    assert network.post(f"{API}/subscriptions", json=form).status_code == 202
    with builders.session_factory(apps.network)() as session:
        envelope = session.scalars(
            select(OutboxMessage.envelope)
            .where(OutboxMessage.event_type == "network.contact.optin_requested")
            .order_by(OutboxMessage.id.desc())
        ).first()
    token = envelope["data"]["confirm_url"].split("token=")[1]
    assert network.get(f"{API}/subscriptions/confirm", query_string={"token": token}).status_code == 200
    return envelope["data"]["contact_id"]


def registration(network: FlaskClient, event_id: str, cancel: bool) -> dict[str, Any]:
    body = {"name": "Olena Kovalenko", "email": EMAIL, "language": "uk"}
    registered = network.post(f"{API}/ki-events/{event_id}/registrations", json=body).json
    if cancel:
        url = f"{API}/ki-events/{event_id}/registrations/{registered['id']}"
        assert network.delete(url, query_string={"token": registered["cancel_token"]}).status_code == 200
    return registered


def mention_in_history(apps: Apps, contact_id: str) -> None:
    organisation = builders.verified_organisation(apps.network, "Anderer Verein", "info@anderer.example")
    with transaction(builders.session_factory(apps.network)) as session:
        value = json.dumps({"contact_id": contact_id, "email": EMAIL, "name": "Olena Kovalenko"})
        session.add(
            OrganizationChange(
                organization_id=organisation.id, field="contact", old_value="", new_value=value
            )
        )


def test_the_export_holds_everything_network_keeps_about_the_person(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, admin: dict[str, str]
) -> None:
    contact_id = subscriber(apps, network)
    registration(network, event(network, tokens), cancel=True)
    mention_in_history(apps, contact_id)

    response = network.get(f"{GDPR}/{contact_id}/export", headers=admin)

    assert response.status_code == 200 and response.mimetype == "application/json"
    export = response.json
    assert export["format"] == "teilhabe.network.contact-export/1"
    assert export["contact"]["email"] == EMAIL and export["contact"]["name"] == "Olena Kovalenko"
    assert export["contact"]["language"] == "uk"
    [consent] = export["consents"]
    assert consent["purpose"] == "subscription" and "confirmed_at" in json.loads(consent["proof"])
    assert export["subscription"]["topics"] == ["ki_events"]
    assert export["subscription"]["districts"] == ["Köln-Kalk"]
    [registered] = export["ki_event_registrations"]
    assert (registered["event_title"], registered["status"]) == ("Netzwerktreffen", "cancelled")
    [change] = export["change_history"]
    assert contact_id in change["new_value"]
    assert export["affiliations"] == [] and export["user_accounts"] == []


def test_the_export_names_the_organisations_a_contact_person_speaks_for(
    apps: Apps, network: FlaskClient, admin: dict[str, str]
) -> None:
    organisation = builders.verified_organisation(apps.network, "Brückenbau e.V.", "kontakt@bruecken.example")
    with builders.session_factory(apps.network)() as session:
        contact_id = session.scalar(select(Affiliation.contact_id))

    export = network.get(f"{GDPR}/{contact_id}/export", headers=admin).json

    assert export["affiliations"][0]["organization_id"] == organisation.id
    assert export["affiliations"][0]["organization_name"] == "Brückenbau e.V."


def test_erasure_anonymises_the_person_everywhere_in_network_and_tells_the_other_services(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, admin: dict[str, str]
) -> None:
    contact_id = subscriber(apps, network)
    registered = registration(network, event(network, tokens), cancel=True)
    mention_in_history(apps, contact_id)

    response = network.post(
        f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag nach Art. 17"}, headers=admin
    )

    assert response.status_code == 200, response.json
    assert response.json["contact_id"] == contact_id and response.json["erased_at"]
    with builders.session_factory(apps.network)() as session:
        contact = session.get(ContactPerson, contact_id)
        assert (contact.name, contact.email, contact.phone) == (
            "gelöscht",
            f"erased-{contact_id}@invalid",
            "",
        )
        assert contact.erased_at is not None
        assert session.get(Subscription, contact_id) is None
        stored = session.get(Registration, registered["id"])
        assert (stored.name, stored.email) == ("gelöscht", f"erased-{contact_id}@invalid")
        [consent] = session.scalars(select(Consent))
        assert json.loads(consent.proof) == {"erased": True} and consent.withdrawn_at is not None
        history = session.scalar(select(OrganizationChange.new_value))
        assert EMAIL not in history and "Olena" not in history
        erased = session.scalars(
            select(OutboxMessage.envelope).where(OutboxMessage.event_type == "network.contact.erased")
        ).all()
    assert [e["data"] for e in erased] == [{"contact_id": contact_id}]
    with builders.session_factory(apps.network)() as session:
        kept = json.dumps(session.scalars(select(OutboxMessage.envelope)).all(), ensure_ascii=False)
    assert EMAIL not in kept and "Olena" not in kept  # delivered events keep no trace of the person
    export = network.get(f"{GDPR}/{contact_id}/export", headers=admin).json
    assert EMAIL not in json.dumps(export) and "Olena" not in json.dumps(export)


def test_an_erased_address_can_subscribe_again_as_a_new_person(
    apps: Apps, network: FlaskClient, admin: dict[str, str]
) -> None:
    first = subscriber(apps, network)
    network.post(f"{GDPR}/{first}/erase", json={"reason": "Antrag"}, headers=admin)

    second = subscriber(apps, network)

    assert second != first


def test_erasing_twice_is_a_conflict(apps: Apps, network: FlaskClient, admin: dict[str, str]) -> None:
    contact_id = subscriber(apps, network)
    network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=admin)

    again = network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=admin)

    assert again.status_code == 409


def test_the_only_contact_of_a_verified_organisation_is_kept_with_the_reason(
    apps: Apps, network: FlaskClient, admin: dict[str, str]
) -> None:
    builders.verified_organisation(apps.network, "Brückenbau e.V.", "kontakt@bruecken.example")
    with builders.session_factory(apps.network)() as session:
        contact_id = session.scalar(select(Affiliation.contact_id))

    response = network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=admin)

    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    [reason] = response.json["errors"]["retention"]
    assert "einzige Ansprechperson der verifizierten Organisation „Brückenbau e.V.“" in reason
    with builders.session_factory(apps.network)() as session:
        assert session.get(ContactPerson, contact_id).email == "kontakt@bruecken.example"
        assert session.get(Subscription, contact_id) is not None


def test_a_confirmed_seat_at_an_upcoming_event_is_kept_with_the_reason(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, admin: dict[str, str]
) -> None:
    contact_id = subscriber(apps, network)
    registration(network, event(network, tokens, "Fortbildung Antragstellung"), cancel=False)

    response = network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=admin)

    assert response.status_code == 409
    [reason] = response.json["errors"]["retention"]
    assert "bestätigten Platz bei der Veranstaltung „Fortbildung Antragstellung“ am 10.03.2030" in reason
    assert "Anmeldung stornieren" in response.json["detail"]


def test_an_erasure_needs_a_reason(apps: Apps, network: FlaskClient, admin: dict[str, str]) -> None:
    contact_id = subscriber(apps, network)

    response = network.post(f"{GDPR}/{contact_id}/erase", json={}, headers=admin)

    assert response.status_code == 422 and "reason" in response.json["errors"]


def test_an_unknown_contact_is_not_found(network: FlaskClient, admin: dict[str, str]) -> None:
    assert network.get(f"{GDPR}/no-such-person/export", headers=admin).status_code == 404
    assert (
        network.post(f"{GDPR}/no-such-person/erase", json={"reason": "x" * 5}, headers=admin).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["caseworker", "approver", "applicant"])
def test_only_administrators_export_or_erase(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, role: str
) -> None:
    contact_id = subscriber(apps, network)
    other = builders.verified_organisation(apps.network, "Anderer Verein", "info@anderer.example")
    headers = tokens.headers(role, orgs=(other.id,) if role == "applicant" else ())

    export = network.get(f"{GDPR}/{contact_id}/export", headers=headers)
    erase = network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=headers)

    assert export.status_code == erase.status_code == 403
    assert EMAIL not in export.get_data(as_text=True)
    with builders.session_factory(apps.network)() as session:
        assert session.get(ContactPerson, contact_id).erased_at is None


def test_an_applicant_cannot_export_their_own_organisations_contact(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    organisation = builders.verified_organisation(apps.network, "Brückenbau e.V.", "kontakt@bruecken.example")
    with builders.session_factory(apps.network)() as session:
        contact_id = session.scalar(select(Affiliation.contact_id))

    response = network.get(
        f"{GDPR}/{contact_id}/export", headers=tokens.headers("applicant", orgs=(organisation.id,))
    )

    assert response.status_code == 403


def test_without_a_token_nothing_is_exported(apps: Apps, network: FlaskClient) -> None:
    contact_id = subscriber(apps, network)

    assert network.get(f"{GDPR}/{contact_id}/export").status_code == 401


def test_an_erased_participant_of_a_past_event_is_never_written_to_again(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, admin: dict[str, str]
) -> None:
    contact_id = subscriber(apps, network)
    event_id = event(network, tokens)
    registration(network, event_id, cancel=False)
    staff = tokens.headers("caseworker")
    past = {"starts_at": "2020-03-10T18:00:00", "ends_at": "2020-03-10T20:00:00"}
    assert network.patch(f"{API}/ki-events/{event_id}", json=past, headers=staff).status_code == 200

    erased = network.post(f"{GDPR}/{contact_id}/erase", json={"reason": "Antrag"}, headers=admin)
    network.patch(f"{API}/ki-events/{event_id}", json={"title": "Nachbericht"}, headers=staff)

    assert erased.status_code == 200
    with builders.session_factory(apps.network)() as session:
        told = session.scalars(
            select(OutboxMessage.envelope)
            .where(OutboxMessage.event_type == "network.event.registration_changed")
            .order_by(OutboxMessage.id)
        ).all()
    assert [e["data"]["reason"] for e in told] == ["registered", "event_updated"]  # none after the erasure
    assert {e["data"]["email"] for e in told} == {f"erased-{contact_id}@invalid"}
