"""Notification rules with no I/O: message identity, retry policy, language fallback."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta

MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
DEFAULT_LANGUAGE = "de"


@dataclass(frozen=True)
class Addressee:
    """Whom one email goes to: a recipient from network's events, or an address an event names."""

    email: str
    name: str
    languages: tuple[str | None, ...] = ()


def message_id(event_id: str, recipient: str, domain: str = "teilhabe.notifications") -> str:
    """Stable per (event, recipient), so a resend after an ambiguous drop is recognisably the same."""
    digest = hashlib.sha256(f"{event_id}\n{recipient.lower()}".encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def is_transient(smtp_code: int | None) -> bool:
    """A dropped connection (no code) or a 4xx reply may succeed later; a 5xx will not."""
    return smtp_code is None or 400 <= smtp_code < 500


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    ceiling = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)
    return ceiling * (rng or random).uniform(0.5, 1.0)


def choose_language(preferred: list[str | None], available: set[str]) -> str:
    """The first preference we have a template for (person, then organisation), else German."""
    for language in preferred:
        if language in available:
            return language
    return DEFAULT_LANGUAGE
