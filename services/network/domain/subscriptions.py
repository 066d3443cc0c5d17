"""Subscription rules that need no database: which topics exist, what a change means."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import DomainError, Invalid

FIXED_TOPICS = ("ki_events", "funding_calls")
NEWSLETTER_PREFIX = "newsletter:"
CONFIRM_PURPOSE = "subscription-confirm"
PREFERENCES_PURPOSE = "subscription-preferences"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link is good for a week
PREFERENCES_MAX_AGE = 2 * 365 * 24 * 3600  # preference links sit in old emails for a long time
RESEND_AFTER = timedelta(minutes=10)


class BadLink(DomainError):
    """A signed link that was tampered with, is for something else, or has expired."""

    status = 400
    title = "Bad Request"


def normalise(values: Iterable[str]) -> list[str]:
    """Trimmed, without duplicates, in a stable order."""
    return sorted({value.strip() for value in values if value and value.strip()})


def check_topics(topics: list[str], fields_of_work: set[str]) -> None:
    """``ki_events``, ``funding_calls`` or ``newsletter:<field of work>``; any field of work is
    accepted while the taxonomy is empty."""
    bad = [topic for topic in topics if not _is_topic(topic, fields_of_work)]
    if bad:
        raise Invalid({"topics": [f"unknown topic: {topic}" for topic in bad]})


def _is_topic(topic: str, fields_of_work: set[str]) -> bool:
    if topic in FIXED_TOPICS:
        return True
    if not topic.startswith(NEWSLETTER_PREFIX):
        return False
    key = topic.removeprefix(NEWSLETTER_PREFIX)
    return bool(key) and (not fields_of_work or key in fields_of_work)


def check_districts(districts: list[str], known: set[str]) -> None:
    """Districts must be known terms once the district taxonomy has any."""
    bad = [district for district in districts if known and district not in known]
    if bad:
        raise Invalid({"districts": [f"unknown district: {district}" for district in bad]})


@dataclass(frozen=True)
class Change:
    """What a preference change means for the events network emits."""

    removed_topics: list[str]
    unsubscribed_from_everything: bool


def change_of(before: list[str], after: list[str]) -> Change:
    removed = sorted(set(before) - set(after))
    return Change(removed, unsubscribed_from_everything=not after)


def status_of(confirmed: bool, topics: list[str], pending: bool) -> str:
    if confirmed and topics:
        return "active"
    if pending:
        return "pending"
    return "unsubscribed" if confirmed else "none"


def recently_requested(pending: bool, requested_at: datetime | None, now: datetime) -> bool:
    """A confirmation email for a still-pending request went out a moment ago."""
    return pending and requested_at is not None and now - requested_at < RESEND_AFTER
