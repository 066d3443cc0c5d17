"""Network tells the other services each account's current state (``network.user.updated``)
whenever an account is created or its roles or activation change."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.network import cli, demo
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.network.identity_helpers import USERS, admin, events, organisation
from tests.support import builders
from tests.support.databases import ServiceDatabases
from tests.support.tokens import TokenMaker

UPDATED = "network.user.updated"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


def test_an_admin_creating_a_user_publishes_the_new_account_with_roles_and_language(
    apps: Apps, network: FlaskClient
) -> None:
    org = organisation(apps.network)
    _, headers = admin(apps.network, network)
    body = {
        "email": "Neu@Verein.example",
        "roles": ["applicant"],
        "organization_ids": [org],
        "language": "tr",
    }

    created = network.post(USERS, json=body, headers=headers).json

    assert events(apps.network, UPDATED)[-1] == {
        "user_id": created["id"],
        "email": "neu@verein.example",
        "language": "tr",
        "roles": ["applicant"],
        "active": True,
    }


def test_changing_roles_publishes_the_whole_new_list(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    user_id = builders.user(apps.network, "sb@ki.example", ["caseworker", "approver"])

    network.put(f"{USERS}/{user_id}/roles", json={"roles": ["applicant"]}, headers=tokens.headers("admin"))
    network.put(
        f"{USERS}/{user_id}/roles",
        json={"roles": ["caseworker", "applicant"]},
        headers=tokens.headers("admin"),
    )

    assert [e["roles"] for e in events(apps.network, UPDATED)] == [
        ["approver", "caseworker"],
        ["applicant"],
        ["applicant", "caseworker"],
    ]


def test_deactivating_and_reactivating_publish_the_account_inactive_then_active(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    user_id = builders.user(apps.network, "sb@ki.example", ["caseworker"])
    headers = tokens.headers("admin")

    network.post(f"{USERS}/{user_id}/deactivate", headers=headers)
    network.post(f"{USERS}/{user_id}/deactivate", headers=headers)  # no change: nothing to tell
    network.post(f"{USERS}/{user_id}/reactivate", headers=headers)

    published = events(apps.network, UPDATED)
    assert [(e["active"], e["roles"]) for e in published] == [
        (True, ["caseworker"]),
        (False, ["caseworker"]),
        (True, ["caseworker"]),
    ]
    assert {e["user_id"] for e in published} == {user_id}


def test_a_refused_change_publishes_nothing(apps: Apps, network: FlaskClient) -> None:
    admin_id, headers = admin(apps.network, network)

    assert network.put(f"{USERS}/{admin_id}/roles", json={"roles": []}, headers=headers).status_code == 409

    assert [e["roles"] for e in events(apps.network, UPDATED)] == [["admin"]]


def test_the_create_admin_command_publishes_the_first_admin(apps: Apps, databases: ServiceDatabases) -> None:
    user_id = cli.create_admin(databases.urls["network"], "Leitung@KI.example", "ein-sicheres-passwort", "en")

    assert events(apps.network, UPDATED) == [
        {
            "user_id": user_id,
            "email": "leitung@ki.example",
            "language": "en",
            "roles": ["admin"],
            "active": True,
        }
    ]


def test_the_demo_loader_publishes_its_users_so_the_demo_caseworker_gets_staff_mail(apps: Apps) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        demo.load(session)

    published = {e["email"]: (e["roles"], e["active"]) for e in events(apps.network, UPDATED)}
    assert published == {email: (roles, True) for email, roles, _ in demo.USERS}
    assert published["caseworker@ki.example"] == (["caseworker"], True)
