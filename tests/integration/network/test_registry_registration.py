"""Self-registration without an account: double opt-in of the contact email, then the staff queue."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import Consent, ContactPerson
from services.network.services.registrations import PURPOSE
from shared.signing import DEVELOPMENT_SECRET, sign
from tests.conftest import Apps, Stack
from tests.integration.network.registry_helpers import ORGS, organisation_body
from tests.support import builders
from tests.support.tokens import TokenMaker

REGISTER = f"{ORGS}/registrations"
CONFIRM = f"{ORGS}/registrations/confirm"
QUEUE = f"{ORGS}/verification-queue"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def registration(**organisation: Any) -> dict[str, Any]:
    return {
        "organization": organisation_body(**organisation),
        "contact": {
            "name": "Ayşe Yılmaz",
            "email": "Ayse@Bruecken.example",
            "language": "tr",
            "function": "Vorstand",
        },
        "consent_given": True,
        "consent_text_version": "datenschutz-2026-01",
    }


def confirm_url(apps: Apps) -> str:
    [event] = builders.network_events(
        apps.network, "network.organization.registration_requested", "notifications"
    )
    return event["data"]["confirm_url"]


def token_of(url: str) -> str:
    return re.search(r"token=([\w.\-]+)", url).group(1)


def test_a_registration_waits_for_the_email_confirmation_before_it_enters_the_queue(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    staff = tokens.headers("caseworker")
    response = network.post(REGISTER, json=registration())

    assert response.status_code == 202, response.json
    assert response.json["status"] == "registered" and response.json["email_confirmed"] is False
    assert network.get(QUEUE, headers=staff).json == []

    confirmed = network.get(CONFIRM, query_string={"token": token_of(confirm_url(apps))})

    assert confirmed.status_code == 200 and confirmed.json["email_confirmed"] is True
    [entry] = network.get(QUEUE, headers=staff).json
    assert entry["organization"]["id"] == response.json["organization_id"]
    assert entry["organization"]["email_confirmed_at"]


def test_staff_cannot_verify_a_registration_before_its_email_is_confirmed(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    organization_id = network.post(REGISTER, json=registration()).json["organization_id"]
    staff = tokens.headers("caseworker")

    early = network.post(f"{ORGS}/{organization_id}/verify", json={}, headers=staff)
    network.get(CONFIRM, query_string={"token": token_of(confirm_url(apps))})
    later = network.post(f"{ORGS}/{organization_id}/verify", json={}, headers=staff)

    assert early.status_code == 409 and "not confirmed" in early.json["detail"]
    assert later.status_code == 200 and later.json["status"] == "verified"


def test_the_opt_in_event_carries_the_contact_and_a_link_to_the_confirmation(
    apps: Apps, network: FlaskClient
) -> None:
    network.post(REGISTER, json=registration())

    [event] = builders.network_events(
        apps.network, "network.organization.registration_requested", "notifications"
    )
    assert event["data"]["email"] == "ayse@bruecken.example" and event["data"]["language"] == "tr"
    assert event["data"]["organization_name"] == "Brückenbau e.V."
    assert event["data"]["confirm_url"].startswith(f"http://127.0.0.1:8000{CONFIRM}?token=")


def test_the_registration_keeps_the_consent_with_its_text_version_and_the_contacts_function(
    apps: Apps, network: FlaskClient
) -> None:
    organization_id = network.post(REGISTER, json=registration()).json["organization_id"]

    with builders.session_factory(apps.network)() as session:
        contact = session.scalar(select(ContactPerson))
        consent = session.scalar(select(Consent))
        assert [(a.organization_id, a.function) for a in contact.affiliations] == [
            (organization_id, "Vorstand")
        ]
        assert (consent.purpose, consent.method, consent.text_version) == (
            "registration",
            "form",
            "datenschutz-2026-01",
        )


def test_a_registration_without_consent_or_with_unknown_terms_is_refused(network: FlaskClient) -> None:
    no_consent = network.post(REGISTER, json={**registration(), "consent_given": False})
    bad_terms = network.post(REGISTER, json=registration(district="Atlantis"))
    no_contact = network.post(REGISTER, json={k: v for k, v in registration().items() if k != "contact"})

    assert no_consent.status_code == 422 and "consent_given" in no_consent.json["errors"]
    assert bad_terms.status_code == 422 and bad_terms.json["errors"]["district"] == [
        "unknown district: 'Atlantis'"
    ]
    assert no_contact.status_code == 422 and "contact" in no_contact.json["errors"]


def test_a_tampered_token_is_refused_with_a_clear_message(apps: Apps, network: FlaskClient) -> None:
    network.post(REGISTER, json=registration())
    token = token_of(confirm_url(apps))

    response = network.get(
        CONFIRM, query_string={"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")}
    )

    assert response.status_code == 400
    assert "not valid" in response.json["detail"]


def test_an_expired_token_is_refused_and_says_so(
    apps: Apps, network: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    network.post(REGISTER, json=registration())
    token = token_of(confirm_url(apps))
    monkeypatch.setattr("services.network.services.registrations.TOKEN_MAX_AGE", -timedelta(seconds=1))

    response = network.get(CONFIRM, query_string={"token": token})

    assert response.status_code == 400 and "expired" in response.json["detail"]


def test_a_token_signed_for_another_purpose_is_refused(network: FlaskClient) -> None:
    foreign = sign(DEVELOPMENT_SECRET, "network.subscription.confirm", {"o": "x", "c": "y", "e": "z"})
    assert PURPOSE != "network.subscription.confirm"

    assert network.get(CONFIRM, query_string={"token": foreign}).status_code == 400


def test_confirming_twice_is_harmless(apps: Apps, network: FlaskClient, tokens: TokenMaker) -> None:
    network.post(REGISTER, json=registration())
    token = token_of(confirm_url(apps))

    first = network.get(CONFIRM, query_string={"token": token})
    second = network.get(CONFIRM, query_string={"token": token})

    assert first.status_code == second.status_code == 200
    assert len(network.get(QUEUE, headers=tokens.headers("caseworker")).json) == 1


@pytest.mark.parametrize("role", ["applicant", None])
def test_only_staff_see_the_verification_queue(
    network: FlaskClient, tokens: TokenMaker, role: str | None
) -> None:
    headers = tokens.headers(role) if role else {}
    assert network.get(QUEUE, headers=headers).status_code == (403 if role else 401)


@pytest.mark.integration
def test_the_confirmation_email_arrives_and_its_link_puts_the_organisation_into_the_queue(
    stack: Stack, tokens: TokenMaker
) -> None:
    builders.seed_taxonomies(stack.apps.network)
    network = stack.apps.client("network")
    organization_id = network.post(REGISTER, json=registration()).json["organization_id"]

    [message] = stack.mailbox.wait_for(1, timeout=20)
    email = message.parsed()
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert message.recipients == ("ayse@bruecken.example",)
    assert email["Subject"] == "Lütfen „Brückenbau e.V.“ kaydını onaylayın"
    assert 'lang="tr"' in html
    link = re.search(r"(http://\S+/confirm\?token=[\w.\-]+)", text).group(1)

    confirmed = network.get(link.split("127.0.0.1:8000", 1)[1])

    assert confirmed.status_code == 200, confirmed.json
    [entry] = network.get(QUEUE, headers=tokens.headers("caseworker")).json
    assert entry["organization"]["id"] == organization_id
