"""A self-registration whose confirmation link is never opened does not stay forever: after
OPTIN_RETENTION_DAYS the organisation (never in the registry) and its contact person are deleted,
unless someone confirmed it or staff dealt with it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from services.network.models import Consent, ContactPerson, Organization, OrganizationChange
from services.network.services import registrations
from shared.db import transaction, utcnow
from tests.conftest import Apps
from tests.integration.network.test_registry_registration import (
    CONFIRM,
    REGISTER,
    confirm_url,
    registration,
    token_of,
)
from tests.support import builders
from tests.support.tokens import TokenMaker

SEARCH = "/network/api/v1/search/organizations"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def register(apps: Apps, network: FlaskClient, name: str = "Brückenbau e.V.") -> str:
    """A self-registration through the public form; returns the organisation's id."""
    response = network.post(REGISTER, json=registration(name=name))
    assert response.status_code == 202, response.json
    with builders.session_factory(apps.network)() as session:
        return session.scalar(select(Organization.id).where(Organization.name == name))


def registered_days_ago(apps: Apps, days: float) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        session.execute(update(Organization).values(created_at=utcnow() - timedelta(days=days)))


def forget(apps: Apps, days: float = 30) -> int:
    with transaction(builders.session_factory(apps.network)) as session:
        return registrations.forget_unconfirmed(session, utcnow() - timedelta(days=days))


def count(apps: Apps, model: type) -> int:
    with builders.session_factory(apps.network)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def staff_finds(network: FlaskClient, tokens: TokenMaker, text: str) -> int:
    response = network.get(SEARCH, query_string={"q": text}, headers=tokens.headers("caseworker"))
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_an_old_registration_never_confirmed_is_deleted_with_its_contact(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    register(apps, network)
    registered_days_ago(apps, 31)

    assert forget(apps) == 1

    assert [count(apps, m) for m in (Organization, ContactPerson, Consent, OrganizationChange)] == [
        0,
        0,
        0,
        0,
    ]
    assert staff_finds(network, tokens, "Brückenbau") == 0


def test_a_recent_unconfirmed_registration_is_kept(apps: Apps, network: FlaskClient) -> None:
    register(apps, network)
    registered_days_ago(apps, 29)

    assert forget(apps) == 0
    assert count(apps, Organization) == 1


def test_a_confirmed_registration_is_kept_however_old(apps: Apps, network: FlaskClient) -> None:
    register(apps, network)
    assert network.get(CONFIRM, query_string={"token": token_of(confirm_url(apps))}).status_code == 200
    registered_days_ago(apps, 400)

    assert forget(apps) == 0
    assert count(apps, Organization) == 1


def test_an_unconfirmed_registration_staff_archived_is_kept(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    organization_id = register(apps, network)
    archived = network.post(
        f"/network/api/v1/organizations/{organization_id}/archive",
        json={"reason": "Dublette"},
        headers=tokens.headers("caseworker"),
    )
    assert archived.status_code == 200, archived.json
    registered_days_ago(apps, 31)

    assert forget(apps) == 0
    assert count(apps, Organization) == 1


def test_the_search_counts_no_longer_include_a_forgotten_registration(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    register(apps, network, name="Nova Hata e.V.")
    before = network.get(SEARCH, headers=tokens.headers("caseworker")).json["total"]
    registered_days_ago(apps, 31)

    forget(apps)

    assert network.get(SEARCH, headers=tokens.headers("caseworker")).json["total"] == before - 1
