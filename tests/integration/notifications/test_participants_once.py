"""A subscriber of KI events who also holds a place at one hears of its change once: through the
message about their place (administrative, with their registration's calendar entry), not also
through the announcement to subscribers."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from shared.db import utcnow
from shared.events import Envelope
from tests.conftest import Apps
from tests.integration.notifications import helpers

KI_EVENT = helpers.event("network.event.updated").data["id"]
DISTRICTS = tuple(helpers.event("network.event.updated").data["districts"])
PARTICIPANT = "olena@nova-hata.example"
SUBSCRIBER = "ayse@verein.example"


def place(status: str, reason: str, registration_id: str, seconds_ago: int = 0) -> Envelope:
    """Network's message about one registration for the KI event, made ``seconds_ago``."""
    event = helpers.event(
        "network.event.registration_changed",
        registration_id=registration_id,
        event_id=KI_EVENT,
        email=PARTICIPANT,
        status=status,
        reason=reason,
        position=1 if status == "waitlisted" else None,
    )
    return replace(event, occurred_at=(utcnow() - timedelta(seconds=seconds_ago)).isoformat())


def messages_about(apps: Apps, events: list[Envelope]) -> list[tuple[str, str]]:
    """(recipient, event type) of each email planned for these events."""
    ids = {e.id for e in events}
    return sorted(
        (e.recipient, e.event_type) for e in helpers.emails(apps.notifications) if e.event_id in ids
    )


@pytest.fixture
def subscribers(apps: Apps) -> Apps:
    for address in (PARTICIPANT, SUBSCRIBER):
        helpers.subscribe(apps.notifications, address, topics=("ki_events",), districts=DISTRICTS)
    return apps


@pytest.mark.parametrize("status", ["confirmed", "waitlisted"])
@pytest.mark.parametrize(
    "change, reason",
    [("network.event.updated", "event_updated"), ("network.event.cancelled", "event_cancelled")],
)
@pytest.mark.parametrize("place_first", [True, False])
def test_a_subscriber_holding_a_place_hears_of_a_change_once(
    subscribers: Apps, status: str, change: str, reason: str, place_first: bool
) -> None:
    registration = str(uuid.uuid4())
    helpers.deliver(subscribers.notifications, place(status, "registered", registration, seconds_ago=60))
    announced, told = helpers.event(change), place(status, reason, registration)

    # network publishes both in one transaction; they may arrive in either order
    for event in (told, announced) if place_first else (announced, told):
        helpers.deliver(subscribers.notifications, event)

    assert messages_about(subscribers, [announced, told]) == [
        (SUBSCRIBER, change),
        (PARTICIPANT, "network.event.registration_changed"),
    ]


def test_a_participant_who_gave_the_place_back_hears_of_changes_as_a_subscriber(subscribers: Apps) -> None:
    registration = str(uuid.uuid4())
    helpers.deliver(subscribers.notifications, place("confirmed", "registered", registration, seconds_ago=60))
    helpers.deliver(subscribers.notifications, place("cancelled", "cancelled", registration, seconds_ago=30))
    change = helpers.event("network.event.updated")

    helpers.deliver(subscribers.notifications, change)

    assert messages_about(subscribers, [change]) == [
        (SUBSCRIBER, "network.event.updated"),
        (PARTICIPANT, "network.event.updated"),
    ]


def test_a_late_older_message_about_a_place_does_not_undo_a_newer_one(subscribers: Apps) -> None:
    registration = str(uuid.uuid4())
    helpers.deliver(subscribers.notifications, place("cancelled", "cancelled", registration, seconds_ago=30))
    helpers.deliver(subscribers.notifications, place("confirmed", "registered", registration, seconds_ago=60))
    change = helpers.event("network.event.updated")

    helpers.deliver(subscribers.notifications, change)

    assert (PARTICIPANT, "network.event.updated") in messages_about(subscribers, [change])
