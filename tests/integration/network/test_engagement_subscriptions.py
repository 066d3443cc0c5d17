"""Subscribing without an account: double opt-in, the preference link, and what staff see."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import itsdangerous
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import Consent, ContactPerson, OutboxMessage, Subscription
from tests.conftest import Apps
from tests.support import builders
from tests.support.tokens import TokenMaker

API = "/network/api/v1/subscriptions"
FORM = {
    "email": "Olena@Nova-Hata.example",
    "name": "Olena Kovalenko",
    "language": "uk",
    "topics": ["ki_events", "newsletter:language"],
    "districts": ["Köln-Kalk"],
    "consent_text_version": "2026-11",
}


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


def events(app: Flask, event_type: str) -> list[dict[str, Any]]:
    """Payloads network recorded for notifications, oldest first."""
    with builders.session_factory(app)() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == event_type).order_by(OutboxMessage.id)
        )
        return [row.envelope["data"] for row in rows]


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def request_subscription(network: FlaskClient, **overrides: Any) -> None:
    response = network.post(API, json={**FORM, **overrides})
    assert response.status_code == 202, response.json
    assert response.json == {"status": "pending"}


def subscribed(apps: Apps, network: FlaskClient, **overrides: Any) -> dict[str, Any]:
    """A confirmed subscriber: the opt-in payload with its links."""
    request_subscription(network, **overrides)
    optin = events(apps.network, "network.contact.optin_requested")[-1]
    assert (
        network.get(API + "/confirm", query_string={"token": token_of(optin["confirm_url"])}).status_code
        == 200
    )
    return optin


def test_a_request_sends_a_confirmation_link_and_subscribes_nobody_yet(
    apps: Apps, network: FlaskClient
) -> None:
    request_subscription(network)

    [optin] = events(apps.network, "network.contact.optin_requested")
    assert optin["email"] == "olena@nova-hata.example"
    assert (optin["name"], optin["language"]) == ("Olena Kovalenko", "uk")
    assert optin["confirm_url"].startswith("http://127.0.0.1:8000/network/subscriptions/confirm?token=")
    assert "/network/preferences?token=" in optin["preferences_url"]
    assert events(apps.network, "network.contact.subscribed") == []
    with builders.session_factory(apps.network)() as session:
        subscription = session.get(Subscription, optin["contact_id"])
        assert subscription.confirmed_at is None and subscription.topics == []
        assert subscription.pending_topics == ["ki_events", "newsletter:language"]
        [consent] = session.scalars(select(Consent))
        assert (consent.purpose, consent.method, consent.text_version) == ("subscription", "form", "2026-11")
        assert "requested_at" in json.loads(consent.proof)


def test_the_confirmation_link_subscribes_and_tells_notifications_whom_to_address(
    apps: Apps, network: FlaskClient
) -> None:
    optin = subscribed(apps, network)

    [event] = events(apps.network, "network.contact.subscribed")
    # The link is signed anew (with a timestamp) per event; it must open this person's preferences.
    link = network.get(API + "/preferences", query_string={"token": token_of(event.pop("preferences_url"))})
    assert link.status_code == 200 and link.json["topics"] == ["ki_events", "newsletter:language"]
    assert event == {
        "contact_id": optin["contact_id"],
        "email": "olena@nova-hata.example",
        "name": "Olena Kovalenko",
        "language": "uk",
        "topics": ["ki_events", "newsletter:language"],
        "districts": ["Köln-Kalk"],
        "organization_ids": [],
        "digest": "none",
    }
    with builders.session_factory(apps.network)() as session:
        assert "confirmed_at" in json.loads(session.scalar(select(Consent.proof)))


def test_following_the_confirmation_link_twice_subscribes_once(apps: Apps, network: FlaskClient) -> None:
    optin = subscribed(apps, network)

    again = network.get(API + "/confirm", query_string={"token": token_of(optin["confirm_url"])})

    assert again.status_code == 200 and again.json["status"] == "active"
    assert len(events(apps.network, "network.contact.subscribed")) == 1


def test_a_second_request_for_the_same_address_updates_the_same_contact(
    apps: Apps, network: FlaskClient
) -> None:
    subscribed(apps, network)
    request_subscription(network, email="olena@nova-hata.example", topics=["funding_calls"])

    first, second = events(apps.network, "network.contact.optin_requested")
    assert first["contact_id"] == second["contact_id"]
    with builders.session_factory(apps.network)() as session:
        assert len(session.scalars(select(ContactPerson)).all()) == 1
        subscription = session.get(Subscription, first["contact_id"])
        assert subscription.topics == ["ki_events", "newsletter:language"]  # until confirmed again
        assert subscription.pending_topics == ["funding_calls"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topics": []}, "topics"),
        ({"topics": ["horoscope"]}, "topics"),
        ({"email": "not-an-email"}, "email"),
        ({"consent_text_version": ""}, "consent_text_version"),
        ({"language": "Deutsch"}, "language"),
    ],
)
def test_an_invalid_request_is_refused_naming_the_field(
    apps: Apps, network: FlaskClient, change: dict[str, Any], field: str
) -> None:
    response = network.post(API, json={**FORM, **change})

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert events(apps.network, "network.contact.optin_requested") == []


def test_districts_must_be_known_once_the_district_taxonomy_has_terms(
    apps: Apps, network: FlaskClient
) -> None:
    builders.seed_taxonomies(apps.network)

    response = network.post(API, json={**FORM, "districts": ["Atlantis"]})

    assert response.status_code == 422
    assert response.json["errors"]["districts"] == ["unknown district: Atlantis"]


def test_the_preference_link_shows_and_changes_topics_without_an_account(
    apps: Apps, network: FlaskClient
) -> None:
    token = token_of(subscribed(apps, network)["preferences_url"])

    shown = network.get(API + "/preferences", query_string={"token": token})
    changed = network.post(
        API + "/preferences",
        json={"token": token, "topics": ["funding_calls"], "districts": ["Köln-Mülheim"]},
    )

    assert shown.status_code == 200
    assert shown.json["topics"] == ["ki_events", "newsletter:language"] and shown.json["status"] == "active"
    assert changed.status_code == 200
    assert (changed.json["topics"], changed.json["districts"]) == (["funding_calls"], ["Köln-Mülheim"])
    latest = events(apps.network, "network.contact.subscribed")[-1]
    assert (latest["topics"], latest["districts"]) == (["funding_calls"], ["Köln-Mülheim"])
    assert events(apps.network, "network.contact.unsubscribed") == []


def test_unsubscribing_from_everything_tells_notifications_and_withdraws_the_consent(
    apps: Apps, network: FlaskClient
) -> None:
    optin = subscribed(apps, network)

    response = network.post(
        API + "/preferences/unsubscribe", json={"token": token_of(optin["preferences_url"])}
    )

    assert response.status_code == 200
    assert response.json["status"] == "unsubscribed" and response.json["topics"] == []
    assert events(apps.network, "network.contact.unsubscribed") == [
        {
            "contact_id": optin["contact_id"],
            "email": "olena@nova-hata.example",
            "removed_topics": ["ki_events", "newsletter:language"],
        }
    ]
    with builders.session_factory(apps.network)() as session:
        assert session.scalar(select(Consent.withdrawn_at)) is not None


def _tampered(token: str) -> str:
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


def _expired(apps: Apps, contact_id: str, purpose: str, monkeypatch: pytest.MonkeyPatch) -> str:
    secret = apps.network.extensions["teilhabe"].settings.signing_secret
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda _self: 1_000_000_000)
        return itsdangerous.URLSafeTimedSerializer(secret, salt=purpose).dumps({"c": contact_id})


@pytest.mark.parametrize("kind", ["tampered", "expired", "confirm-token-for-preferences", "garbage"])
def test_a_bad_preference_link_is_refused_with_400(
    apps: Apps, network: FlaskClient, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    optin = subscribed(apps, network)
    token = {
        "tampered": lambda: _tampered(token_of(optin["preferences_url"])),
        "expired": lambda: _expired(apps, optin["contact_id"], "subscription-preferences", monkeypatch),
        "confirm-token-for-preferences": lambda: token_of(optin["confirm_url"]),
        "garbage": lambda: "not-a-token",
    }[kind]()

    shown = network.get(API + "/preferences", query_string={"token": token})
    changed = network.post(API + "/preferences", json={"token": token, "topics": []})
    page = network.get("/network/preferences", query_string={"token": token})

    assert shown.status_code == changed.status_code == page.status_code == 400
    assert "token" in shown.json["errors"]
    assert events(apps.network, "network.contact.unsubscribed") == []


def test_an_expired_confirmation_link_is_refused_with_400(
    apps: Apps, network: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_subscription(network)
    contact_id = events(apps.network, "network.contact.optin_requested")[0]["contact_id"]

    token = _expired(apps, contact_id, "subscription-confirm", monkeypatch)
    response = network.get(API + "/confirm", query_string={"token": token})

    assert response.status_code == 400
    assert response.json["errors"]["token"] == ["the link has expired"]
    assert events(apps.network, "network.contact.subscribed") == []


def test_the_preference_page_is_an_accessible_german_form_that_works_without_javascript(
    apps: Apps, network: FlaskClient
) -> None:
    token = token_of(subscribed(apps, network)["preferences_url"])

    page = network.get("/network/preferences", query_string={"token": token})

    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<html lang="de"' in html
    assert "<fieldset>" in html and "<legend>Themen</legend>" in html
    assert '<form method="post" action="/network/preferences">' in html
    assert "<script" not in html
    assert 'name="topics" value="ki_events"' in html and "checked" in html
    assert '<label for="topic-1">' in html


def test_a_subscriber_chooses_a_weekly_digest_and_notifications_is_told(
    apps: Apps, network: FlaskClient
) -> None:
    token = token_of(subscribed(apps, network)["preferences_url"])
    change = {"token": token, "topics": ["ki_events"], "digest": "weekly"}

    changed = network.post(API + "/preferences", json=change)
    refused = network.post(API + "/preferences", json={**change, "digest": "hourly"})

    assert changed.status_code == 200 and changed.json["digest"] == "weekly"
    assert events(apps.network, "network.contact.subscribed")[-1]["digest"] == "weekly"
    assert refused.status_code == 422 and "digest" in refused.json["errors"]


def test_the_preference_form_keeps_the_digest_choice_without_javascript(
    apps: Apps, network: FlaskClient
) -> None:
    token = token_of(subscribed(apps, network)["preferences_url"])

    page = network.post(
        "/network/preferences",
        data={"token": token, "topics": ["ki_events"], "digest": "daily", "action": "save"},
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ihre Einstellungen sind gespeichert." in html
    assert 'id="digest-daily" name="digest" value="daily"\n             checked' in html
    assert '<label for="digest-weekly">' in html
    assert events(apps.network, "network.contact.subscribed")[-1]["digest"] == "daily"


def test_the_preference_form_posted_without_javascript_unsubscribes_from_everything(
    apps: Apps, network: FlaskClient
) -> None:
    optin = subscribed(apps, network)

    page = network.post(
        "/network/preferences",
        data={
            "token": token_of(optin["preferences_url"]),
            "topics": ["ki_events"],
            "action": "unsubscribe_all",
        },
    )

    assert page.status_code == 200
    assert "Sie sind von allen Themen abgemeldet." in page.get_data(as_text=True)
    assert len(events(apps.network, "network.contact.unsubscribed")) == 1


def test_the_confirmation_link_from_the_email_opens_a_page_that_confirms(
    apps: Apps, network: FlaskClient
) -> None:
    request_subscription(network)
    optin = events(apps.network, "network.contact.optin_requested")[0]

    page = network.get(
        urlsplit(optin["confirm_url"]).path, query_string={"token": token_of(optin["confirm_url"])}
    )

    assert page.status_code == 200
    assert "Ihr Abonnement ist bestätigt" in page.get_data(as_text=True)
    assert len(events(apps.network, "network.contact.subscribed")) == 1


def test_staff_see_a_contacts_subscription(apps: Apps, network: FlaskClient, tokens: TokenMaker) -> None:
    optin = subscribed(apps, network)

    response = network.get(f"{API}/contacts/{optin['contact_id']}", headers=tokens.headers("caseworker"))

    assert response.status_code == 200
    assert response.json["status"] == "active"
    assert response.json["topics"] == ["ki_events", "newsletter:language"]
    assert response.json["confirmed_at"] is not None


@pytest.mark.parametrize("headers", ["applicant-of-another-organisation", "none"])
def test_only_staff_see_a_contacts_subscription(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, headers: str
) -> None:
    optin = subscribed(apps, network)
    other = builders.verified_organisation(apps.network, "Anderer Verein", "info@anderer.example")
    sent = tokens.headers("applicant", orgs=(other.id,)) if headers != "none" else {}

    response = network.get(f"{API}/contacts/{optin['contact_id']}", headers=sent)

    assert response.status_code == (403 if sent else 401)
    assert "topics" not in response.json


def test_sending_the_form_again_at_once_sends_no_second_email_but_the_first_link_confirms_the_newest_choice(
    apps: Apps, network: FlaskClient
) -> None:
    request_subscription(network)
    request_subscription(network, topics=["funding_calls"])

    [optin] = events(apps.network, "network.contact.optin_requested")
    network.get(API + "/confirm", query_string={"token": token_of(optin["confirm_url"])})

    [event] = events(apps.network, "network.contact.subscribed")
    assert event["topics"] == ["funding_calls"]
