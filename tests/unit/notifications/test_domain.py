"""Notification rules: stable message identity, retry policy, language fallback."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from services.notifications import domain


def test_message_id_is_stable_per_event_and_recipient() -> None:
    first = domain.message_id("e-1", "Kontakt@Verein.example")
    assert first == domain.message_id("e-1", "kontakt@verein.example")
    assert first != domain.message_id("e-2", "kontakt@verein.example")
    assert first != domain.message_id("e-1", "other@verein.example")
    assert first.startswith("<") and first.endswith(">") and "@" in first


@pytest.mark.parametrize(
    ("code", "transient"), [(None, True), (421, True), (451, True), (550, False), (554, False)]
)
def test_only_dropped_connections_and_4xx_are_retried(code: int | None, transient: bool) -> None:
    assert domain.is_transient(code) is transient


def test_retry_delay_grows_and_is_capped() -> None:
    rng = random.Random(7)
    delays = [domain.retry_delay(n, rng) for n in range(1, 20)]
    assert delays[0] <= domain.RETRY_BASE
    assert delays[3] > domain.RETRY_BASE
    assert max(delays) <= domain.RETRY_CAP
    assert all(d >= timedelta(0) for d in delays)


def test_language_falls_back_from_person_to_organisation_to_german() -> None:
    assert domain.choose_language(["ar", "tr"], {"de", "tr"}) == "tr"
    assert domain.choose_language([None, "uk"], {"de", "uk"}) == "uk"
    assert domain.choose_language(["fa"], {"de"}) == "de"
