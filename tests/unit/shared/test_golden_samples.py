"""Contract: every registered payload has a golden sample that still loads, and vice versa."""

from __future__ import annotations

import pytest

from shared.events import load_envelope, registered
from shared.events.samples import all_sample_keys, load_sample


def test_every_registered_event_has_a_golden_sample() -> None:
    assert set(registered()) <= set(all_sample_keys())


def test_every_golden_sample_belongs_to_a_registered_event() -> None:
    assert set(all_sample_keys()) <= set(registered())


@pytest.mark.parametrize(("event_type", "version"), registered())
def test_golden_sample_loads(event_type: str, version: int) -> None:
    envelope = load_envelope(load_sample(event_type, version))
    assert (envelope.type, envelope.version) == (event_type, version)
    assert envelope.producer == event_type.split(".")[0]
