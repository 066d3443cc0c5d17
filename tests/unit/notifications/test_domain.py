"""Notification rules: stable message identity, retry policy, language fallback."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

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


@pytest.mark.parametrize(
    "code, reply",
    [
        (550, "5.1.1 <weg@verein.example>: Recipient address rejected: User unknown"),
        (550, "5.1.10 Recipient address has null MX"),
        (553, "5.1.3 Bad recipient address syntax"),
        (550, "No such user here"),
    ],
)
def test_a_reply_that_the_mailbox_does_not_exist_is_an_unknown_mailbox(code: int, reply: str) -> None:
    assert domain.is_unknown_mailbox(code, reply)


@pytest.mark.parametrize(
    "code, reply",
    [
        (553, "5.1.8 <noreply@ki.example>: Sender address rejected: Domain not found"),
        (550, "5.1.7 Bad sender mailbox syntax"),
        (554, "5.7.1 Message rejected as spam"),
        (452, "4.2.2 Mailbox full"),
        (None, ""),
    ],
)
def test_a_refusal_about_the_sender_policy_or_a_full_mailbox_is_no_unknown_mailbox(
    code: int | None, reply: str
) -> None:
    assert not domain.is_unknown_mailbox(code, reply)


def test_an_event_is_older_only_when_both_times_are_known_and_it_came_first() -> None:
    earlier, later = datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 10, tzinfo=UTC)

    assert domain.older(earlier, later)
    assert not domain.older(later, earlier)
    assert not domain.older(later, later)
    assert not domain.older(None, later) and not domain.older(earlier, None)
