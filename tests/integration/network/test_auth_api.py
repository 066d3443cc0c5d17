"""Signing in at network: a token for the right password, nothing that tells accounts apart."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from services.network.services import identity
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders

TOKEN = "/network/api/v1/auth/token"
ME = "/network/api/v1/auth/me"
DEMO_PASSWORD = "teilhabe-demo"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


def sign_in(client: FlaskClient, email: str, password: str = builders.PASSWORD) -> TestResponse:
    return client.post(TOKEN, json={"email": email, "password": password})


def test_the_right_password_gives_a_token_carrying_the_users_roles_and_organisations(
    apps: Apps, network: FlaskClient
) -> None:
    orgs = sorted(
        builders.verified_organisation(apps.network, name, f"kontakt@{domain}").id
        for name, domain in [("Brückenbau e.V.", "bruecken.example"), ("Nachbarschaft e.V.", "nb.example")]
    )
    user_id = builders.user(apps.network, "antrag@bruecken.example", ["applicant"], orgs)

    response = sign_in(network, "Antrag@Bruecken.example")

    assert response.status_code == 200, response.json
    assert response.json["token_type"] == "Bearer" and response.json["expires_in"] > 0
    me = network.get(ME, headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.status_code == 200
    assert me.json == {
        "user_id": user_id,
        "email": "antrag@bruecken.example",
        "roles": ["applicant"],
        "organization_ids": orgs,
    }


def test_a_wrong_password_is_refused_with_the_same_answer_as_an_unknown_email(
    apps: Apps, network: FlaskClient
) -> None:
    builders.user(apps.network, "sb@ki.example", ["caseworker"])

    wrong_password = sign_in(network, "sb@ki.example", "falsches-passwort")
    unknown_email = sign_in(network, "niemand@ki.example", "falsches-passwort")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.mimetype == "application/problem+json"
    assert wrong_password.json == unknown_email.json
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("credentials", [{"password": "x"}, {"email": "not-an-email", "password": "x"}])
def test_a_missing_or_invalid_email_is_rejected_naming_the_email(
    network: FlaskClient, credentials: dict[str, str]
) -> None:
    response = network.post(TOKEN, json=credentials)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "email" in response.json["errors"]


def test_the_demo_password_is_refused_in_production_even_when_it_is_right(
    apps: Apps, network: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        identity.create_user(session, "demo@ki.example", DEMO_PASSWORD, ["admin"], [])
    assert sign_in(network, "demo@ki.example", DEMO_PASSWORD).status_code == 200

    monkeypatch.setenv("TEILHABE_ENV", "production")
    response = sign_in(network, "demo@ki.example", DEMO_PASSWORD)

    assert response.status_code == 403
    assert "demo password" in response.json["detail"]
    assert "access_token" not in response.json


def test_me_without_a_token_is_unauthorized(network: FlaskClient) -> None:
    response = network.get(ME)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_openapi_document_lists_the_token_path(network: FlaskClient) -> None:
    response = network.get("/network/api/v1/openapi.json")

    assert response.status_code == 200
    assert "post" in response.json["paths"]["/network/api/v1/auth/token"]
