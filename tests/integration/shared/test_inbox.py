"""The inbox handles each event id once per consumer, together with the handler's effect."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from services.funding.models import DeadLetter, EligibleOrganization, InboxRecord, inbox
from shared.events import Envelope
from shared.events.samples import load_sample
from shared.inbox import Outcome
from tests.conftest import Apps
from tests.support.builders import session_factory


def count(apps: Apps, model: type) -> int:
    with session_factory(apps.funding)() as session:
        return session.scalar(select(func.count()).select_from(model))


def upsert(session, event: Envelope) -> None:  # type: ignore[no-untyped-def]
    session.merge(
        EligibleOrganization(
            organization_id=event.data["organization_id"],
            name=event.data["name"],
            district="x",
            status="verified",
        )
    )


HANDLERS = {("network.organization.verified", 1): upsert}


def test_an_event_is_handled_once_however_often_it_arrives(apps: Apps) -> None:
    raw = load_sample("network.organization.verified", 1)
    factory = session_factory(apps.funding)
    outcomes = [inbox.consume(factory, raw, HANDLERS) for _ in range(3)]
    assert outcomes == [Outcome.HANDLED, Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert count(apps, EligibleOrganization) == 1 and count(apps, InboxRecord) == 1


def test_a_failing_handler_records_nothing_so_a_retry_handles_it(apps: Apps) -> None:
    raw = load_sample("network.organization.verified", 1)
    factory = session_factory(apps.funding)

    def fails(session, event) -> None:  # type: ignore[no-untyped-def]
        upsert(session, event)
        raise RuntimeError("database hiccup")

    with pytest.raises(RuntimeError):
        inbox.consume(factory, raw, {("network.organization.verified", 1): fails})
    assert count(apps, InboxRecord) == 0 and count(apps, EligibleOrganization) == 0
    assert inbox.consume(factory, raw, HANDLERS) is Outcome.HANDLED


def test_an_invalid_event_becomes_one_dead_letter_naming_the_field(apps: Apps) -> None:
    raw = load_sample("network.organization.verified", 1)
    del raw["data"]["district"]
    factory = session_factory(apps.funding)
    assert inbox.consume(factory, raw, HANDLERS) is Outcome.DEAD_LETTER
    assert inbox.consume(factory, raw, HANDLERS) is Outcome.DEAD_LETTER
    with factory() as session:
        [letter] = session.scalars(select(DeadLetter))
    assert letter.event_id == raw["id"]
    assert "district" in json.loads(letter.errors)["data"]
    assert count(apps, EligibleOrganization) == 0


def test_an_event_without_a_handler_here_is_dead_lettered_not_dropped(apps: Apps) -> None:
    raw = load_sample("funding.application.approved", 1)
    assert inbox.consume(session_factory(apps.funding), raw, HANDLERS) is Outcome.DEAD_LETTER
    assert count(apps, DeadLetter) == 1
