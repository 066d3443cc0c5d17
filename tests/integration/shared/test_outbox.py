"""The outbox keeps an event until each consumer confirms it, and re-sends after a lease."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from services.network.models import OutboxMessage, outbox
from shared.db import transaction, utcnow
from shared.events.samples import load_sample
from tests.conftest import Apps
from tests.support.builders import session_factory

Sent = list[tuple[str, dict[str, Any], str]]


def record_verified(apps: Apps) -> str:
    data = load_sample("network.organization.verified", 1)["data"]
    with transaction(session_factory(apps.network)) as session:
        return outbox.record(session, "network.organization.verified", 1, data).id


def relay(apps: Apps, sent: Sent) -> int:
    with transaction(session_factory(apps.network)) as session:
        return outbox.relay(session, lambda *message: sent.append(message))


def rows(apps: Apps) -> list[OutboxMessage]:
    with session_factory(apps.network)() as session:
        return list(session.scalars(select(OutboxMessage)))


def test_recording_writes_one_row_per_consumer_in_the_callers_transaction(apps: Apps) -> None:
    record_verified(apps)
    assert [(r.event_type, r.consumer) for r in rows(apps)] == [("network.organization.verified", "funding")]


def test_a_rolled_back_transaction_leaves_no_event(apps: Apps) -> None:
    data = load_sample("network.organization.verified", 1)["data"]
    with pytest.raises(RuntimeError), transaction(session_factory(apps.network)) as session:
        outbox.record(session, "network.organization.verified", 1, data)
        raise RuntimeError("the state change failed")
    assert rows(apps) == []


def test_relay_sends_due_events_to_the_consumers_handle_event_on_its_queue(apps: Apps) -> None:
    event_id = record_verified(apps)
    sent: Sent = []
    assert relay(apps, sent) == 1
    [(task, envelope, queue)] = sent
    assert (task, queue, envelope["id"]) == ("funding.handle_event", "funding", event_id)


def test_a_sent_event_is_not_resent_before_its_lease_ends(apps: Apps) -> None:
    record_verified(apps)
    sent: Sent = []
    relay(apps, sent)
    relay(apps, sent)
    assert len(sent) == 1
    [row] = rows(apps)
    assert row.attempts == 1 and row.next_attempt_at > utcnow()


def test_an_unconfirmed_event_is_resent_after_its_lease(apps: Apps) -> None:
    record_verified(apps)
    sent: Sent = []
    relay(apps, sent)
    with transaction(session_factory(apps.network)) as session:  # the lease runs out
        session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    relay(apps, sent)
    assert len(sent) == 2 and sent[0][1] == sent[1][1]


def test_a_confirmed_event_is_never_resent(apps: Apps) -> None:
    event_id = record_verified(apps)
    sent: Sent = []
    relay(apps, sent)
    with transaction(session_factory(apps.network)) as session:
        assert outbox.confirm(session, event_id, "funding") is True
        assert outbox.confirm(session, event_id, "funding") is False
        session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    assert relay(apps, sent) == 0


def test_when_the_broker_refuses_the_event_stays_due(apps: Apps) -> None:
    record_verified(apps)

    def broker_down(*_: object) -> None:
        raise ConnectionError("redis is down")

    with pytest.raises(ConnectionError), transaction(session_factory(apps.network)) as session:
        outbox.relay(session, broker_down)
    [row] = rows(apps)
    assert row.attempts == 0 and row.confirmed_at is None


def confirm_days_ago(apps: Apps, event_id: str, days: float) -> None:
    with transaction(session_factory(apps.network)) as session:
        outbox.confirm(session, event_id, "funding")
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.event_id == event_id)
            .values(confirmed_at=utcnow() - timedelta(days=days))
        )


def purge(apps: Apps, days: float = 30) -> int:
    with transaction(session_factory(apps.network)) as session:
        return outbox.purge(session, utcnow() - timedelta(days=days))


def test_events_confirmed_longer_ago_than_the_retention_are_forgotten(apps: Apps) -> None:
    old, recent, unconfirmed = record_verified(apps), record_verified(apps), record_verified(apps)
    confirm_days_ago(apps, old, 31)
    confirm_days_ago(apps, recent, 29)

    assert purge(apps) == 1

    assert sorted(r.event_id for r in rows(apps)) == sorted([recent, unconfirmed])


def test_an_unconfirmed_event_is_kept_however_old(apps: Apps) -> None:
    event_id = record_verified(apps)
    with transaction(session_factory(apps.network)) as session:
        session.execute(update(OutboxMessage).values(created_at=utcnow() - timedelta(days=400)))

    assert purge(apps) == 0
    assert [r.event_id for r in rows(apps)] == [event_id]
