"""The envelope is strict; payloads are checked against their registered schema."""

from __future__ import annotations

import pytest

from shared.events import InvalidEvent, load_envelope, make_envelope
from shared.events.samples import load_sample


def valid() -> dict[str, object]:
    return load_sample("network.organization.verified", 1)


def test_a_valid_envelope_loads_with_its_payload() -> None:
    envelope = load_envelope(valid())
    assert envelope.type == "network.organization.verified"
    assert envelope.data["name"] == "Brückenbau e.V."


@pytest.mark.parametrize(
    "field", ["id", "type", "version", "occurred_at", "producer", "correlation_id", "data"]
)
def test_an_envelope_missing_a_field_is_rejected_naming_it(field: str) -> None:
    raw = valid()
    del raw[field]
    with pytest.raises(InvalidEvent) as caught:
        load_envelope(raw)
    assert field in caught.value.errors


def test_an_envelope_with_an_unknown_field_is_rejected() -> None:
    with pytest.raises(InvalidEvent) as caught:
        load_envelope({**valid(), "priority": "high"})
    assert "priority" in caught.value.errors


@pytest.mark.parametrize("version", [0, "1", 1.5])
def test_version_must_be_a_positive_integer(version: object) -> None:
    with pytest.raises(InvalidEvent) as caught:
        load_envelope({**valid(), "version": version})
    assert "version" in caught.value.errors


def test_occurred_at_must_carry_a_timezone() -> None:
    with pytest.raises(InvalidEvent) as caught:
        load_envelope({**valid(), "occurred_at": "2026-11-22T09:15:00"})
    assert "occurred_at" in caught.value.errors


def test_a_payload_that_does_not_match_its_schema_is_rejected_naming_the_field() -> None:
    raw = valid()
    raw["data"] = {**raw["data"], "organization_id": "not-a-uuid"}
    with pytest.raises(InvalidEvent) as caught:
        load_envelope(raw)
    assert "organization_id" in caught.value.errors["data"]
    assert caught.value.envelope["id"] == raw["id"]


def test_a_non_object_is_rejected() -> None:
    with pytest.raises(InvalidEvent):
        load_envelope(["not", "an", "envelope"])


def test_make_envelope_refuses_an_invalid_payload_before_it_is_published() -> None:
    with pytest.raises(InvalidEvent) as caught:
        make_envelope("network.organization.verified", 1, {"name": "x"}, "network", None)
    assert set(caught.value.errors["data"]) == {"organization_id", "district"}


def test_make_envelope_keeps_the_given_correlation_id_and_makes_unique_ids() -> None:
    data = valid()["data"]
    first = make_envelope("network.organization.verified", 1, data, "network", "corr-1")
    second = make_envelope("network.organization.verified", 1, data, "network", "corr-1")
    assert first.correlation_id == second.correlation_id == "corr-1"
    assert first.id != second.id
    assert load_envelope(first.as_dict()) == first
