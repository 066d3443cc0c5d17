"""A subscription request whose confirmation link is never opened does not stay forever: after
OPTIN_RETENTION_DAYS a person known only from it is deleted, anyone else just loses the request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from services.network.models import Consent, ContactPerson, Subscription
from services.network.services import subscriptions
from shared.db import transaction, utcnow
from tests.conftest import Apps, Stack
from tests.integration.network.test_engagement_subscriptions import FORM, request_subscription, subscribed
from tests.support import builders
from tests.support.waiting import wait_until


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    builders.seed_taxonomies(apps.network)
    return apps.client("network")


def requested_days_ago(apps: Apps, days: float) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        session.execute(
            update(Subscription)
            .where(Subscription.requested_at.is_not(None))
            .values(requested_at=utcnow() - timedelta(days=days))
        )


def forget(apps: Apps, days: float = 30) -> int:
    with transaction(builders.session_factory(apps.network)) as session:
        return subscriptions.forget_unconfirmed(session, utcnow() - timedelta(days=days))


def held(apps: Apps, email: str) -> tuple[list[ContactPerson], list[Subscription], list[Consent]]:
    with builders.session_factory(apps.network)() as session:
        contacts = list(session.scalars(select(ContactPerson).where(ContactPerson.email == email)))
        ids = [c.id for c in contacts]
        return (
            contacts,
            list(session.scalars(select(Subscription).where(Subscription.contact_id.in_(ids)))),
            list(session.scalars(select(Consent).where(Consent.contact_id.in_(ids)))),
        )


ADDRESS = FORM["email"].lower()


def test_a_person_known_only_from_an_old_unconfirmed_request_is_deleted(
    apps: Apps, network: FlaskClient
) -> None:
    request_subscription(network)
    requested_days_ago(apps, 31)

    assert forget(apps) == 1

    assert held(apps, ADDRESS) == ([], [], [])


def test_a_recent_unconfirmed_request_is_kept(apps: Apps, network: FlaskClient) -> None:
    request_subscription(network)
    requested_days_ago(apps, 29)

    assert forget(apps) == 0

    contacts, [subscription], _ = held(apps, ADDRESS)
    assert len(contacts) == 1 and subscription.pending_topics is not None


def test_a_confirmed_subscriber_is_never_forgotten(apps: Apps, network: FlaskClient) -> None:
    subscribed(apps, network)
    requested_days_ago(apps, 400)

    assert forget(apps) == 0

    contacts, [subscription], _ = held(apps, ADDRESS)
    assert len(contacts) == 1 and subscription.topics and subscription.confirmed_at is not None


def test_a_subscribers_old_unconfirmed_change_is_dropped_and_the_subscription_stays(
    apps: Apps, network: FlaskClient
) -> None:
    subscribed(apps, network)
    request_subscription(network, topics=["ki_events"])  # a second request, never confirmed
    requested_days_ago(apps, 31)

    assert forget(apps) == 1

    contacts, [subscription], consents = held(apps, ADDRESS)
    assert len(contacts) == 1 and subscription.pending_topics is None
    assert sorted(subscription.topics) == sorted(FORM["topics"])
    assert consents


def test_an_organisations_contact_person_keeps_their_record(apps: Apps, network: FlaskClient) -> None:
    builders.verified_organisation(apps.network, "Nova Hata e.V.", ADDRESS)
    with transaction(builders.session_factory(apps.network)) as session:  # the contact never opted in
        session.execute(update(Subscription).values(confirmed_at=None, topics=[], unsubscribed_at=None))
    request_subscription(network)
    requested_days_ago(apps, 31)

    assert forget(apps) == 1

    contacts, [subscription], _ = held(apps, ADDRESS)
    assert len(contacts) == 1 and subscription.pending_topics is None


def test_the_worker_forgets_unconfirmed_requests(stack: Stack) -> None:
    builders.seed_taxonomies(stack.apps.network)
    request_subscription(stack.apps.client("network"))
    requested_days_ago(stack.apps, 31)

    celery = stack.apps.network.extensions["teilhabe"].celery
    celery.send_task("network.forget_unconfirmed", queue="network")

    wait_until(
        lambda: held(stack.apps, ADDRESS)[0] == [], timeout=20, what="the worker to forget the request"
    )
