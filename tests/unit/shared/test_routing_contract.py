"""Contract: the routing table and each consumer's HANDLERS agree in both directions."""

from __future__ import annotations

import importlib

import pytest

from shared.events import SUBSCRIPTIONS, registered
from shared.events.routing import SERVICES


def handlers_of(service: str) -> dict[tuple[str, int], object]:
    return importlib.import_module(f"services.{service}.events").HANDLERS


@pytest.mark.parametrize("event_type", sorted(SUBSCRIPTIONS))
def test_every_routed_event_is_registered_and_handled_by_each_consumer(event_type: str) -> None:
    versions = [version for (name, version) in registered() if name == event_type]
    assert versions, f"{event_type} has no payload schema"
    for consumer in SUBSCRIPTIONS[event_type]:
        handled = {version for (name, version) in handlers_of(consumer) if name == event_type}
        assert handled == set(versions), f"{consumer} must handle every version of {event_type}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_handler_is_routed_to_its_service(service: str) -> None:
    for event_type, _version in handlers_of(service):
        assert service in SUBSCRIPTIONS.get(event_type, ()), f"{event_type} is not routed to {service}"


def test_no_service_consumes_its_own_events() -> None:
    for event_type, consumers in SUBSCRIPTIONS.items():
        assert event_type.split(".")[0] not in consumers
