"""The shared event library: envelope, versioned payload schemas, routing."""

from __future__ import annotations

from typing import Any

# Importing the payload modules registers their schemas.
from shared.events import (  # noqa: F401
    funding,
    funding_calls,
    funding_payouts,
    network_engagement,
    network_identity,
    network_registry,
    network_resync,
)
from shared.events.envelope import Envelope, InvalidEvent, parse_envelope
from shared.events.registry import get_schema, registered, validate_payload
from shared.events.routing import SUBSCRIPTIONS, consumers_of

__all__ = [
    "SUBSCRIPTIONS",
    "Envelope",
    "InvalidEvent",
    "consumers_of",
    "get_schema",
    "load_envelope",
    "make_envelope",
    "registered",
]


def make_envelope(
    event_type: str, version: int, data: dict[str, Any], producer: str, correlation_id: str | None
) -> Envelope:
    """A new event whose payload has been checked against its registered schema."""
    validate_payload(event_type, version, data)
    if correlation_id:
        return Envelope(event_type, version, producer, data, correlation_id=correlation_id)
    return Envelope(event_type, version, producer, data)


def load_envelope(raw: object) -> Envelope:
    """Check a received event, envelope and payload; raises InvalidEvent naming the fields."""
    envelope = parse_envelope(raw)
    try:
        validate_payload(envelope.type, envelope.version, envelope.data)
    except InvalidEvent as exc:
        raise InvalidEvent(exc.errors, envelope.as_dict()) from None
    return envelope
