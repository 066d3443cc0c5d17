"""Notifications keeps its copy of network's accounts from ``network.user.updated`` and announces
new applications to the active caseworkers among them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import OutboxMessage
from services.notifications.models import KnownUser
from shared.db import transaction
from shared.events import Envelope
from tests.conftest import Apps
from tests.integration.network.identity_helpers import USERS
from tests.integration.notifications import helpers
from tests.support import builders
from tests.support.tokens import TokenMaker

UPDATED = "network.user.updated"
SUBMITTED = "funding.application.submitted"
STAFF_SUBJECT = "Neuer Förderantrag: „Sprachcafé für Eltern“"
USER_ID = "5a0e4d2b-3c9f-4d8e-8b7a-2f3e4d5c6b7a"  # user_id of the golden sample


def forward_network_events(apps: Apps) -> None:
    """Hand network's recorded user events to notifications' inbox, as the relay would."""
    with transaction(builders.session_factory(apps.network)) as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event_type == UPDATED, OutboxMessage.consumer == "notifications")
            .order_by(OutboxMessage.id)
        )
        envelopes = [Envelope(**row.envelope) for row in rows]
    for envelope in envelopes:
        assert helpers.deliver(apps.notifications, envelope) == "handled"


def staff_emails(apps: Apps) -> list[str]:
    return sorted(
        e.recipient
        for e in helpers.emails(apps.notifications)
        if e.event_type == SUBMITTED and e.subject == STAFF_SUBJECT
    )


def user_event(at: datetime, **data: object) -> Envelope:
    return dataclasses.replace(helpers.event(UPDATED, **data), occurred_at=at.isoformat())


def known(apps: Apps, user_id: str = USER_ID) -> KnownUser | None:
    with helpers.session_of(apps.notifications) as session:
        return session.get(KnownUser, user_id)


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


def test_a_submission_is_announced_to_a_caseworker_network_told_us_about(apps: Apps) -> None:
    builders.user(apps.network, "SB@ki.example", ["caseworker"])
    builders.user(apps.network, "antrag@bruecken.example", ["applicant"])
    forward_network_events(apps)

    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))

    assert staff_emails(apps) == ["sb@ki.example"]


def test_a_user_whose_caseworker_role_was_removed_hears_no_more_about_submissions(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    former = builders.user(apps.network, "ehemals@ki.example", ["caseworker"])
    builders.user(apps.network, "sb@ki.example", ["caseworker"])
    network.put(f"{USERS}/{former}/roles", json={"roles": ["approver"]}, headers=tokens.headers("admin"))
    forward_network_events(apps)

    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))

    assert staff_emails(apps) == ["sb@ki.example"]


def test_a_deactivated_caseworker_hears_nothing_until_reactivated(
    apps: Apps, network: FlaskClient, tokens: TokenMaker
) -> None:
    user_id = builders.user(apps.network, "sb@ki.example", ["caseworker"])
    network.post(f"{USERS}/{user_id}/deactivate", headers=tokens.headers("admin"))
    forward_network_events(apps)

    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))

    assert staff_emails(apps) == []
    assert known(apps, user_id).active is False


def test_the_shared_mailbox_setting_is_told_besides_the_caseworkers(
    apps: Apps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_CASEWORKERS", "foerderung@ki.example")
    helpers.deliver(apps.notifications, helpers.event(UPDATED, email="sb@ki.example"))

    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))

    assert staff_emails(apps) == ["foerderung@ki.example", "sb@ki.example"]


def test_an_older_user_event_arriving_late_does_not_overwrite_a_newer_one(apps: Apps) -> None:
    now = datetime.now(UTC)
    newer = user_event(now, email="neu@ki.example", roles=["approver"])
    older = user_event(now - timedelta(minutes=5), email="alt@ki.example", roles=["caseworker"])

    assert helpers.deliver(apps.notifications, newer) == "handled"
    assert helpers.deliver(apps.notifications, older) == "handled"

    user = known(apps)
    assert (user.email, user.roles, user.as_of) == ("neu@ki.example", ["approver"], now)
    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))
    assert staff_emails(apps) == []


def test_a_newer_user_event_replaces_what_we_hold(apps: Apps) -> None:
    now = datetime.now(UTC)
    helpers.deliver(apps.notifications, user_event(now - timedelta(minutes=5), roles=["caseworker"]))

    helpers.deliver(apps.notifications, user_event(now, roles=[], active=False, language=None))

    user = known(apps)
    assert (user.roles, user.active, user.language, user.as_of) == ([], False, "de", now)


def test_a_password_reset_after_the_user_event_keeps_the_users_roles(apps: Apps) -> None:
    helpers.deliver(apps.notifications, helpers.event(UPDATED, email="sb@ki.example"))
    reset = helpers.event("network.user.password_reset_requested", user_id=USER_ID, email="sb@ki.example")

    helpers.deliver(apps.notifications, reset)
    helpers.deliver(apps.notifications, helpers.event(SUBMITTED))

    assert known(apps).roles == ["caseworker"]
    assert staff_emails(apps) == ["sb@ki.example"]
