"""Admins manage accounts, roles and memberships; caseworkers may read; every write is audited."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.integration.network.identity_helpers import (
    AUTH,
    USERS,
    admin,
    audit_actions,
    bearer,
    events,
    organisation,
    reset_token,
    sign_in,
)
from tests.support import builders
from tests.support.tokens import TokenMaker

EMAIL = "antrag@bruecken.example"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def org(apps: Apps) -> str:
    return organisation(apps.network)


@pytest.fixture
def applicant(apps: Apps, org: str) -> str:
    return builders.user(apps.network, EMAIL, ["applicant"], [org])


def me(client: FlaskClient, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.get(f"{AUTH}/me", headers=headers)


def test_an_admin_creates_a_user_who_is_invited_to_set_a_password(
    apps: Apps, network: FlaskClient, org: str
) -> None:
    admin_id, headers = admin(apps.network, network)
    body = {
        "email": "Neu@Verein.example",
        "roles": ["applicant"],
        "organization_ids": [org],
        "language": "tr",
    }

    created = network.post(USERS, json=body, headers=headers)

    assert created.status_code == 201, created.json
    assert created.json["email"] == "neu@verein.example"
    assert created.json["roles"] == ["applicant"] and created.json["organization_ids"] == [org]
    assert sign_in(network, "neu@verein.example", builders.PASSWORD).status_code == 401
    [invitation] = events(apps.network, "network.user.password_reset_requested")
    assert invitation["invitation"] is True and invitation["language"] == "tr"
    confirm = {"token": reset_token(apps.network), "new_password": "mein-eigenes-passwort"}
    assert network.post(f"{AUTH}/password-reset/confirm", json=confirm).status_code == 204
    assert sign_in(network, "neu@verein.example", "mein-eigenes-passwort").status_code == 200
    assert audit_actions(apps.network, created.json["id"])[0] == "user.created"


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"roles": ["superuser"]}, "roles", 422),
        ({"organization_ids": [str(uuid.uuid4())]}, "organization_ids", 422),
        ({"email": EMAIL}, "email", 409),
        ({"email": "kein-email"}, "email", 422),
    ],
)
def test_creating_a_user_is_refused_naming_the_field_at_fault(
    apps: Apps, network: FlaskClient, applicant: str, change: dict[str, object], field: str, status: int
) -> None:
    _, headers = admin(apps.network, network)
    body = {"email": "neu@verein.example", "roles": ["applicant"], **change}

    response = network.post(USERS, json=body, headers=headers)

    assert response.status_code == status
    assert field in response.json["errors"]


def test_caseworkers_may_search_users_but_applicants_and_approvers_may_not(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, org: str, applicant: str
) -> None:
    builders.user(apps.network, "sb@ki.example", ["caseworker"])

    found = network.get(f"{USERS}?q=bruecken", headers=tokens.headers("caseworker"))
    by_org = network.get(f"{USERS}?organization_id={org}", headers=tokens.headers("caseworker"))
    by_role = network.get(f"{USERS}?role=caseworker", headers=tokens.headers("admin"))

    assert [u["email"] for u in found.json] == [EMAIL]
    assert [u["id"] for u in by_org.json] == [applicant]
    assert [u["email"] for u in by_role.json] == ["sb@ki.example"]
    assert network.get(f"{USERS}/{applicant}", headers=tokens.headers("caseworker")).json["email"] == EMAIL
    for role in ("applicant", "approver"):
        assert network.get(USERS, headers=tokens.headers(role, orgs=(org,))).status_code == 403
        assert (
            network.get(f"{USERS}/{applicant}", headers=tokens.headers(role, orgs=(org,))).status_code == 403
        )


def write_requests(user_id: str, org: str) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("post", USERS, {"email": "x@verein.example", "roles": ["admin"]}),
        ("put", f"{USERS}/{user_id}/roles", {"roles": ["admin"]}),
        ("post", f"{USERS}/{user_id}/memberships", {"organization_id": org}),
        ("delete", f"{USERS}/{user_id}/memberships/{org}", None),
        ("post", f"{USERS}/{user_id}/deactivate", None),
        ("post", f"{USERS}/{user_id}/reactivate", None),
        ("get", f"{USERS}/{user_id}/audit", None),
    ]


@pytest.mark.parametrize("role", ["caseworker", "approver", "applicant"])
def test_only_admins_write_accounts_or_read_the_audit_trail(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, org: str, applicant: str, role: str
) -> None:
    # The applicant's own organisation and another one: neither opens the admin endpoints.
    other_org = organisation(apps.network, "Anderer Verein e.V.")
    for orgs in ((org,), (other_org,)):
        headers = tokens.headers(role, orgs=orgs)
        for method, url, body in write_requests(applicant, org):
            response = getattr(network, method)(url, json=body, headers=headers)
            assert response.status_code == 403, (role, method, url)
    assert audit_actions(apps.network, applicant) == []


def test_the_users_endpoints_need_a_token(network: FlaskClient, applicant: str, org: str) -> None:
    for method, url, body in write_requests(applicant, org) + [("get", USERS, None)]:
        assert getattr(network, method)(url, json=body).status_code == 401, (method, url)


def test_removing_a_role_ends_the_users_sessions_everywhere(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, applicant: str
) -> None:
    builders.user(apps.network, "sb@ki.example", ["caseworker", "approver"])
    session = bearer(sign_in(network, "sb@ki.example").json["access_token"])
    user_id = me(network, session).json["user_id"]

    response = network.put(
        f"{USERS}/{user_id}/roles", json={"roles": ["caseworker"]}, headers=tokens.headers("admin")
    )

    assert response.status_code == 200 and response.json["roles"] == ["caseworker"]
    assert me(network, session).json["detail"] == "session ended"
    [revoked] = events(apps.network, "network.user.sessions_revoked")
    assert revoked == {**revoked, "user_id": user_id, "session_id": None}
    assert audit_actions(apps.network, user_id) == ["roles.changed", "sessions.revoked"]
    fresh = bearer(sign_in(network, "sb@ki.example").json["access_token"])
    assert me(network, fresh).json["roles"] == ["caseworker"]


def test_adding_a_role_keeps_the_sessions(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, applicant: str
) -> None:
    session = bearer(sign_in(network, EMAIL).json["access_token"])

    response = network.put(
        f"{USERS}/{applicant}/roles",
        json={"roles": ["applicant", "caseworker"]},
        headers=tokens.headers("admin"),
    )

    assert response.status_code == 200
    assert me(network, session).status_code == 200
    assert events(apps.network, "network.user.sessions_revoked") == []


def test_memberships_are_added_for_existing_organisations_and_removing_one_ends_sessions(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, org: str, applicant: str
) -> None:
    second = organisation(apps.network, "Нова Хата")
    session = bearer(sign_in(network, EMAIL).json["access_token"])
    admin_headers = tokens.headers("admin")
    url = f"{USERS}/{applicant}/memberships"

    added = network.post(url, json={"organization_id": second}, headers=admin_headers)
    unknown = network.post(url, json={"organization_id": str(uuid.uuid4())}, headers=admin_headers)
    assert me(network, session).status_code == 200
    removed = network.delete(f"{url}/{org}", headers=admin_headers)
    again = network.delete(f"{url}/{org}", headers=admin_headers)

    assert added.status_code == 200 and added.json["organization_ids"] == sorted([org, second])
    assert unknown.status_code == 422 and "organization_ids" in unknown.json["errors"]
    assert removed.status_code == 200 and removed.json["organization_ids"] == [second]
    assert again.status_code == 404
    assert me(network, session).json["detail"] == "session ended"
    assert audit_actions(apps.network, applicant) == [
        "membership.added",
        "membership.removed",
        "sessions.revoked",
    ]


def test_a_deactivated_user_cannot_sign_in_until_reactivated(
    apps: Apps, network: FlaskClient, tokens: TokenMaker, applicant: str
) -> None:
    session = bearer(sign_in(network, EMAIL).json["access_token"])

    deactivated = network.post(f"{USERS}/{applicant}/deactivate", headers=tokens.headers("admin"))

    assert deactivated.status_code == 200 and deactivated.json["active"] is False
    assert me(network, session).status_code == 401
    assert sign_in(network, EMAIL).status_code == 403
    network.post(f"{AUTH}/password-reset", json={"email": EMAIL})
    assert events(apps.network, "network.user.password_reset_requested") == []
    assert (
        network.post(f"{USERS}/{applicant}/reactivate", headers=tokens.headers("admin")).json["active"]
        is True
    )
    assert sign_in(network, EMAIL).status_code == 200
    assert audit_actions(apps.network, applicant) == [
        "user.deactivated",
        "sessions.revoked",
        "user.reactivated",
    ]


def test_an_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves(
    apps: Apps, network: FlaskClient
) -> None:
    admin_id, headers = admin(apps.network, network)

    demoted = network.put(f"{USERS}/{admin_id}/roles", json={"roles": ["caseworker"]}, headers=headers)
    deactivated = network.post(f"{USERS}/{admin_id}/deactivate", headers=headers)

    assert demoted.status_code == deactivated.status_code == 409
    assert me(network, headers).json["roles"] == ["admin"]


def test_the_last_active_admin_cannot_be_removed(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    only_admin = builders.user(apps.network, "admin@ki.example", ["admin"])
    second = builders.user(apps.network, "admin2@ki.example", ["admin"])
    headers = tokens.headers("admin")  # an admin whose own account is elsewhere (e.g. the CLI's)

    assert network.post(f"{USERS}/{second}/deactivate", headers=headers).status_code == 200
    refused = network.put(f"{USERS}/{only_admin}/roles", json={"roles": []}, headers=headers)

    assert refused.status_code == 409 and "last active admin" in refused.json["detail"]
    assert network.post(f"{USERS}/{only_admin}/deactivate", headers=headers).status_code == 409


def test_the_audit_trail_lists_every_write_with_who_and_never_a_password(
    apps: Apps, network: FlaskClient, org: str
) -> None:
    admin_id, headers = admin(apps.network, network)
    created = network.post(
        USERS, json={"email": "neu@verein.example", "roles": ["applicant"]}, headers=headers
    ).json
    user_id = created["id"]
    network.post(f"{USERS}/{user_id}/memberships", json={"organization_id": org}, headers=headers)
    network.put(f"{USERS}/{user_id}/roles", json={"roles": []}, headers=headers)
    confirm = {"token": reset_token(apps.network), "new_password": "mein-eigenes-passwort"}
    network.post(f"{AUTH}/password-reset/confirm", json=confirm)

    trail = network.get(f"{USERS}/{user_id}/audit", headers=headers)

    assert trail.status_code == 200
    assert [e["action"] for e in trail.json] == [
        "user.created",
        "password.reset_requested",
        "membership.added",
        "roles.changed",
        "sessions.revoked",
        "password.reset",
        "sessions.revoked",
    ]
    assert {e["actor_user_id"] for e in trail.json[:5]} <= {admin_id, None}
    assert trail.json[3]["details"] == {"before": ["applicant"], "after": []}
    assert "mein-eigenes-passwort" not in trail.get_data(as_text=True)


def test_the_audit_trail_of_an_unknown_user_is_not_found(network: FlaskClient, tokens: TokenMaker) -> None:
    assert network.get(f"{USERS}/{uuid.uuid4()}/audit", headers=tokens.headers("admin")).status_code == 404
    assert network.get(f"{USERS}/{uuid.uuid4()}", headers=tokens.headers("admin")).status_code == 404
