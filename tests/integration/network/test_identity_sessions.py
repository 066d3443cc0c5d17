"""Sign-in sessions at network: refresh rotation, theft detection, logout, password change."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from shared.auth import verify_token
from tests.conftest import Apps
from tests.integration.network.identity_helpers import AUTH, audit_actions, bearer, events, sign_in
from tests.support import builders

EMAIL = "antrag@bruecken.example"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def user_id(apps: Apps) -> str:
    return builders.user(apps.network, EMAIL, ["applicant"])


def refresh(client: FlaskClient, token: str):  # type: ignore[no-untyped-def]
    return client.post(f"{AUTH}/refresh", json={"refresh_token": token})


def me(client: FlaskClient, access_token: str):  # type: ignore[no-untyped-def]
    return client.get(f"{AUTH}/me", headers=bearer(access_token))


def test_sign_in_gives_a_refresh_token_and_an_access_token_naming_its_session(
    apps: Apps, network: FlaskClient, user_id: str
) -> None:
    response = sign_in(network, EMAIL)

    assert response.status_code == 200
    assert len(response.json["refresh_token"]) >= 40
    public_key = apps.network.extensions["teilhabe"].settings.jwt_public_key
    actor = verify_token(public_key, response.json["access_token"])
    assert actor.user_id == user_id and actor.session_id


def test_refresh_gives_new_tokens_and_the_old_refresh_token_stops_working(
    network: FlaskClient, user_id: str
) -> None:
    first = sign_in(network, EMAIL).json

    second = refresh(network, first["refresh_token"])

    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert me(network, second.json["access_token"]).json["user_id"] == user_id
    assert refresh(network, second.json["refresh_token"]).status_code == 200


def test_reusing_a_rotated_refresh_token_ends_the_whole_session(
    apps: Apps, network: FlaskClient, user_id: str
) -> None:
    stolen = sign_in(network, EMAIL).json
    rotated = refresh(network, stolen["refresh_token"]).json

    reuse = refresh(network, stolen["refresh_token"])

    assert reuse.status_code == 401
    assert refresh(network, rotated["refresh_token"]).status_code == 401
    refused = me(network, rotated["access_token"])
    assert refused.status_code == 401 and refused.json["detail"] == "session ended"
    assert "session.refresh_reused" in audit_actions(apps.network, user_id)


def test_an_unknown_refresh_token_is_refused(network: FlaskClient) -> None:
    response = refresh(network, "nicht-echt")

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_logout_ends_this_session_but_not_the_users_other_sessions(
    apps: Apps, network: FlaskClient, user_id: str
) -> None:
    laptop, phone = sign_in(network, EMAIL).json, sign_in(network, EMAIL).json

    response = network.post(f"{AUTH}/logout", headers=bearer(laptop["access_token"]))

    assert response.status_code == 204
    assert me(network, laptop["access_token"]).json["detail"] == "session ended"
    assert refresh(network, laptop["refresh_token"]).status_code == 401
    assert me(network, phone["access_token"]).status_code == 200
    [revoked] = events(apps.network, "network.user.sessions_revoked")
    assert revoked["user_id"] == user_id and revoked["session_id"]


def test_logout_without_a_token_is_unauthorized(network: FlaskClient) -> None:
    assert network.post(f"{AUTH}/logout").status_code == 401


def test_changing_the_password_ends_every_session_and_the_new_password_signs_in(
    apps: Apps, network: FlaskClient, user_id: str
) -> None:
    laptop, phone = sign_in(network, EMAIL).json, sign_in(network, EMAIL).json
    body = {"current_password": builders.PASSWORD, "new_password": "ein-ganz-neues-passwort"}

    response = network.post(f"{AUTH}/password", json=body, headers=bearer(laptop["access_token"]))

    assert response.status_code == 204
    for session in (laptop, phone):
        assert me(network, session["access_token"]).status_code == 401
        assert refresh(network, session["refresh_token"]).status_code == 401
    assert sign_in(network, EMAIL).status_code == 401
    assert sign_in(network, EMAIL, "ein-ganz-neues-passwort").status_code == 200
    [revoked] = events(apps.network, "network.user.sessions_revoked")
    assert revoked["user_id"] == user_id and revoked["session_id"] is None
    assert {"password.changed", "sessions.revoked"} <= set(audit_actions(apps.network, user_id))


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("falsch-falsch-falsch", "ein-ganz-neues-passwort", "current_password"),
        (builders.PASSWORD, "zu-kurz", "new_password"),
        (builders.PASSWORD, EMAIL, "new_password"),
    ],
)
def test_a_password_change_is_refused_naming_the_field_at_fault(
    network: FlaskClient, user_id: str, current: str, new: str, field: str
) -> None:
    tokens = sign_in(network, EMAIL).json
    body = {"current_password": current, "new_password": new}

    response = network.post(f"{AUTH}/password", json=body, headers=bearer(tokens["access_token"]))

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert me(network, tokens["access_token"]).status_code == 200


def test_a_password_change_needs_a_token(network: FlaskClient) -> None:
    body = {"current_password": "x", "new_password": "ein-ganz-neues-passwort"}
    assert network.post(f"{AUTH}/password", json=body).status_code == 401


def test_the_openapi_document_describes_the_session_and_account_endpoints(network: FlaskClient) -> None:
    paths = network.get("/network/api/v1/openapi.json").json["paths"]

    for path in ("refresh", "logout", "password", "password-reset", "password-reset/confirm"):
        assert "post" in paths[f"{AUTH}/{path}"], path
    assert {"get", "post"} <= set(paths["/network/api/v1/users"])
    assert "put" in paths["/network/api/v1/users/{user_id}/roles"]
    assert "get" in paths["/network/api/v1/users/{user_id}/audit"]
