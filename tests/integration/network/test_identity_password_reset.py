"""Password reset by emailed link: no account enumeration, single use, one hour, ends sessions."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.integration.network.identity_helpers import (
    AUTH,
    Clock,
    audit_actions,
    bearer,
    events,
    install_clock,
    reset_token,
    sign_in,
)
from tests.support import builders

EMAIL = "antrag@bruecken.example"
NEW = "ein-ganz-neues-passwort"
RESET, CONFIRM = f"{AUTH}/password-reset", f"{AUTH}/password-reset/confirm"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def clock(apps: Apps, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(apps.network, monkeypatch)


@pytest.fixture
def user_id(apps: Apps) -> str:
    return builders.user(apps.network, EMAIL, ["applicant"])


def test_a_reset_request_answers_the_same_for_known_and_unknown_addresses(
    apps: Apps, network: FlaskClient, user_id: str
) -> None:
    known = network.post(RESET, json={"email": EMAIL})
    unknown = network.post(RESET, json={"email": "niemand@verein.example"})

    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    [event] = events(apps.network, "network.user.password_reset_requested")
    assert event["user_id"] == user_id and event["email"] == EMAIL and event["language"] == "de"
    assert event["reset_url"].startswith("http://127.0.0.1:8000/network/password-reset?token=")


def test_the_reset_link_sets_the_password_once_and_ends_every_session(
    apps: Apps, network: FlaskClient, clock: Clock, user_id: str
) -> None:
    session = bearer(sign_in(network, EMAIL).json["access_token"])
    network.post(RESET, json={"email": EMAIL})
    token = reset_token(apps.network)

    first = network.post(CONFIRM, json={"token": token, "new_password": NEW})
    second = network.post(CONFIRM, json={"token": token, "new_password": "noch-ein-anderes-passwort"})

    assert first.status_code == 204
    assert second.status_code == 422 and "token" in second.json["errors"]
    assert network.get(f"{AUTH}/me", headers=session).json["detail"] == "session ended"
    assert sign_in(network, EMAIL, NEW).status_code == 200
    assert audit_actions(apps.network, user_id)[-2:] == ["password.reset", "sessions.revoked"]


def test_a_reset_link_expires_after_an_hour(
    apps: Apps, network: FlaskClient, clock: Clock, user_id: str
) -> None:
    network.post(RESET, json={"email": EMAIL})
    clock.advance(hours=1, seconds=1)

    response = network.post(CONFIRM, json={"token": reset_token(apps.network), "new_password": NEW})

    assert response.status_code == 422 and "token" in response.json["errors"]
    assert sign_in(network, EMAIL).status_code == 200


@pytest.mark.parametrize("password", ["zu-kurz", EMAIL, "teilhabe-demo"])
def test_a_weak_new_password_is_refused_and_the_link_still_works(
    apps: Apps, network: FlaskClient, user_id: str, password: str
) -> None:
    network.post(RESET, json={"email": EMAIL})
    token = reset_token(apps.network)

    refused = network.post(CONFIRM, json={"token": token, "new_password": password})

    assert refused.status_code == 422 and "new_password" in refused.json["errors"]
    assert network.post(CONFIRM, json={"token": token, "new_password": NEW}).status_code == 204


def test_a_forged_token_is_refused(network: FlaskClient, user_id: str) -> None:
    response = network.post(CONFIRM, json={"token": "ausgedacht", "new_password": NEW})

    assert response.status_code == 422 and "token" in response.json["errors"]


def test_reset_emails_are_capped_at_three_an_hour(
    apps: Apps, network: FlaskClient, clock: Clock, user_id: str
) -> None:
    for _ in range(5):
        assert network.post(RESET, json={"email": EMAIL}).status_code == 202
    assert len(events(apps.network, "network.user.password_reset_requested")) == 3

    clock.advance(hours=1, seconds=1)
    network.post(RESET, json={"email": EMAIL})

    assert len(events(apps.network, "network.user.password_reset_requested")) == 4


def test_a_reset_request_needs_a_valid_email(network: FlaskClient) -> None:
    response = network.post(RESET, json={"email": "kein-email"})

    assert response.status_code == 422 and "email" in response.json["errors"]
