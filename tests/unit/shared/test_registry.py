"""Payload schemas are registered once per (type, version) and evolve compatibly."""

from __future__ import annotations

import pytest

from shared.events import InvalidEvent, get_schema, load_envelope
from shared.events.registry import PayloadSchema, payload
from shared.events.samples import load_sample


def test_an_unknown_event_type_is_rejected_naming_the_type() -> None:
    raw = {**load_sample("network.organization.verified", 1), "type": "network.organization.teleported"}
    with pytest.raises(InvalidEvent) as caught:
        load_envelope(raw)
    assert "type" in caught.value.errors


def test_an_unknown_version_of_a_known_type_is_rejected() -> None:
    with pytest.raises(InvalidEvent):
        get_schema("network.organization.verified", 99)


def test_an_added_optional_payload_field_is_accepted_by_old_consumers() -> None:
    raw = load_sample("network.organization.verified", 1)
    raw["data"]["website"] = "https://bruecken.example"
    assert load_envelope(raw).data["website"] == "https://bruecken.example"


def test_registering_the_same_type_and_version_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="twice"):
        payload("network.organization.verified", 1)(type("Again", (PayloadSchema,), {}))


def test_money_in_payloads_must_be_integer_cents() -> None:
    raw = load_sample("funding.application.approved", 1)
    raw["data"]["approved_cents"] = 4000.5
    with pytest.raises(InvalidEvent) as caught:
        load_envelope(raw)
    assert "approved_cents" in caught.value.errors["data"]
