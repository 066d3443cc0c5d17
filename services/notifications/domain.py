"""Notification rules with no I/O: who hears about what (routing), consent, message identity,
retry and suppression policy, language fallback, digest periods."""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

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


def older(moment: datetime | None, than: datetime | None) -> bool:
    """Whether an event made at ``moment`` is older than what a row already reflects (``than``):
    the relay may deliver a retried older event after a newer one. Without both times there is no
    order to keep."""
    return moment is not None and than is not None and moment < than


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


# --- Routing: which audiences hear about which event type, and under which consent rule ---

ADMINISTRATIVE = "administrative"  # about the person's own matters: no newsletter consent needed
NEWSLETTER = "newsletter"  # everything else: needs a confirmed opt-in
PURPOSES = (ADMINISTRATIVE, NEWSLETTER)

# Audiences (resolved in services.audience):
ORGANISATION_CONTACTS = "organisation_contacts"  # contact persons of data["organization_id"]
SUBMITTING_USER = "submitting_user"  # data["submitted_by"], if an event told us the user's address
CASEWORKERS = "caseworkers"  # active users with CASEWORKER_ROLE, and NOTIFY_CASEWORKERS addresses
TOPIC_SUBSCRIBERS = "topic_subscribers"  # consenting subscribers of Route.topic in data["districts"]
APPROVERS = "approvers"  # active users with APPROVER_ROLE (they decide payout requests)
CASEWORKER_ROLE = "caseworker"  # network's role name, as network.user.updated carries it
APPROVER_ROLE = "approver"


@dataclass(frozen=True)
class Route:
    audiences: tuple[str, ...]
    purpose: str
    topic: str = ""  # the subscription topic, for TOPIC_SUBSCRIBERS


_APPLICANT = Route((ORGANISATION_CONTACTS, SUBMITTING_USER), ADMINISTRATIVE)
_KI_EVENT = Route((TOPIC_SUBSCRIBERS,), NEWSLETTER, topic="ki_events")

# Registered participants of a KI event hear about changes through network's
# network.event.registration_changed (one per participant, reason event_updated/event_cancelled),
# which is administrative: it is about their own registration.
ROUTES: dict[str, Route] = {
    "funding.application.submitted": _APPLICANT,
    "funding.application.review_started": _APPLICANT,
    "funding.application.changes_requested": _APPLICANT,
    # No funding.application.recommended: an internal step of the four-eyes review, the decision is
    # not made yet, so the applicant hears nothing until it is approved or rejected.
    "funding.application.approved": _APPLICANT,
    "funding.application.rejected": _APPLICANT,
    # Withdrawing is the organisation's own act: all its contact persons learn it happened.
    "funding.application.withdrawn": _APPLICANT,
    "funding.application.submitted/staff": Route((CASEWORKERS,), ADMINISTRATIVE),
    # Only the caseworkers (these three): the applicant did it themselves and saw the portal's answer.
    "funding.application.resubmitted": Route((CASEWORKERS,), ADMINISTRATIVE),
    "funding.payout.requested": Route((APPROVERS,), ADMINISTRATIVE),  # approvers decide payouts
    "funding.report.submitted": Route((CASEWORKERS,), ADMINISTRATIVE),
    # Payouts and reports concern the grant, not one user's submission: the organisation's contacts.
    "funding.payout.approved": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
    "funding.payout.rejected": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
    "funding.call.published": Route((TOPIC_SUBSCRIBERS,), NEWSLETTER, topic="funding_calls"),
    "network.event.published": _KI_EVENT,
    "network.event.updated": _KI_EVENT,
    "network.event.cancelled": _KI_EVENT,
    "funding.report.due": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
    "funding.report.overdue": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
    "funding.report.changes_requested": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
    "funding.report.accepted": Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE),
}


def route_of(key: str) -> Route:
    """The route for an event type (``<type>/<variant>`` for a second message to another audience)."""
    try:
        return ROUTES[key]
    except KeyError:
        raise LookupError(f"no route for {key!r}; add it to domain.ROUTES") from None


def wants(topics: list[str], districts: list[str], topic: str, event_districts: list[str]) -> bool:
    """A subscriber hears about an item of ``topic`` in ``event_districts`` (empty: everywhere);
    a subscriber without districts hears about every district."""
    if topic not in topics:
        return False
    return not event_districts or not districts or bool(set(districts) & set(event_districts))


@dataclass(frozen=True)
class Standing:
    """What we know about an address when planning an email to it."""

    suppressed: str = ""  # the reason, if on the suppression list
    consent: bool = False  # a confirmed newsletter opt-in that was not withdrawn


def blocked(purpose: str, standing: Standing) -> str:
    """Why an email of ``purpose`` must not go to this address ("" if it may)."""
    if standing.suppressed:
        return f"suppressed: {standing.suppressed}"
    if purpose == NEWSLETTER and not standing.consent:
        return "no confirmed newsletter consent"
    return ""


# --- Suppression ---

_UNKNOWN_MAILBOX = re.compile(
    r"unknown|no such (user|mailbox|recipient)|does not exist|mailbox unavailable|invalid recipient|"
    r"user not found",
    re.IGNORECASE,
)
# RFC 3463/7505 codes about the destination address: 5.1.1 bad mailbox, 5.1.2 bad system, 5.1.3 bad
# syntax, 5.1.6 moved without forwarding, 5.1.10 null MX. Not 5.1.7/5.1.8 (the *sender*) nor 5.1.0.
_ENHANCED = re.compile(r"\b5\.1\.(1|2|3|6|10)\b")


def is_unknown_mailbox(code: int | None, reply: str) -> bool:
    """A permanent "this mailbox does not exist" answer (an enhanced code about the destination,
    or 550/551/553 saying so), as opposed to a 5xx for policy, content or our sender address,
    which fails the one email but keeps the address."""
    if code is None or not 500 <= code < 600:
        return False
    return bool(_ENHANCED.search(reply)) or (code in (550, 551, 553) and bool(_UNKNOWN_MAILBOX.search(reply)))


def address_key(address: str) -> str:
    """An address recognisable without keeping it: how the suppression list remembers an erased
    person, and how KI-event participants are known."""
    return "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()


# --- One-click unsubscribe (RFC 8058) ---


def one_click_url(preferences_url: str) -> str:
    """Network's one-click unsubscribe endpoint for the same signed token as the preference page
    (``…/network/preferences?token=…`` → ``…/network/unsubscribe?token=…``); "" without a link."""
    if not preferences_url:
        return ""
    parts = urlsplit(preferences_url)
    path = parts.path.removesuffix("/preferences") + "/unsubscribe"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


# --- Digests ---

BERLIN = ZoneInfo("Europe/Berlin")
DIGEST_CHOICES = ("none", "daily", "weekly")
_DIGEST_NAMESPACE = uuid.UUID("6f1f7c1e-3b59-4a55-9a39-2f0c1f6b2d10")


def digest_period(choice: str, moment: datetime) -> str:
    """The period an item created at ``moment`` belongs to: its Berlin day or ISO week."""
    day = moment.astimezone(BERLIN).date()
    if choice == "daily":
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_closed(choice: str, period: str, now: datetime) -> bool:
    """Digests go out once their day (or week) is over in Berlin."""
    return period < digest_period(choice, now)


def digest_id(contact_id: str, choice: str, period: str, first_item: int) -> str:
    """The digest email's event id, stable for the same items, so assembling twice is harmless; an
    item that came in late for a period already sent gets a digest of its own, never none."""
    return str(uuid.uuid5(_DIGEST_NAMESPACE, f"{contact_id}|{choice}|{period}|{first_item}"))


def period_label(choice: str, period: str) -> str:
    """The period in digits every reader understands, e.g. "22.11.2026" or "16.11.–22.11.2026"."""
    if choice == "daily":
        return date.fromisoformat(period).strftime("%d.%m.%Y")
    year, week = (int(part) for part in period.split("-W"))
    monday, sunday = date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7)
    return f"{monday:%d.%m.}–{sunday:%d.%m.%Y}"
