"""Subscription use cases: double opt-in, the preference page behind a signed link, staff views."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.network import events
from services.network.domain import subscriptions as domain
from services.network.models import Consent, ContactPerson, Subscription, TaxonomyTerm, outbox
from shared.db import utcnow
from shared.errors import NotFound
from shared.signing import BadToken, sign, unsign

CONSENT_PURPOSE = "subscription"


@dataclass(frozen=True)
class Links:
    """Signed links for people without an account; ``base_url`` is the public address."""

    secret: str
    base_url: str

    def confirm_url(self, contact: ContactPerson) -> str:
        token = sign(self.secret, domain.CONFIRM_PURPOSE, {"c": contact.id})
        return f"{self.base_url}/network/subscriptions/confirm?{urlencode({'token': token})}"

    def preferences_token(self, contact_id: str) -> str:
        return sign(self.secret, domain.PREFERENCES_PURPOSE, {"c": contact_id})

    def preferences_url(self, contact_id: str) -> str:
        token = self.preferences_token(contact_id)
        return f"{self.base_url}/network/preferences?{urlencode({'token': token})}"

    def contact_id(self, purpose: str, token: str, max_age: int) -> str:
        try:
            return str(unsign(self.secret, purpose, token, max_age)["c"])
        except (BadToken, KeyError) as exc:
            reason = str(exc) if isinstance(exc, BadToken) else "the link is not valid"
            raise domain.BadLink(reason, field="token") from None


def request_subscription(
    session: Session, links: Links, form: dict[str, Any], proof: dict[str, str]
) -> ContactPerson:
    """A pending subscription and its consent; nothing is sent on any topic before confirmation."""
    topics, districts = domain.normalise(form["topics"]), domain.normalise(form["districts"])
    check_choices(session, topics, districts)
    contact = contact_by_email(session, form["email"]) or _new_contact(session, form)
    subscription = session.get(Subscription, contact.id) or Subscription(contact_id=contact.id)
    # The link already sent confirms the newest choice; a form sent again and again must not
    # become a way to flood someone's mailbox.
    recently_sent = domain.recently_requested(
        subscription.pending_topics is not None, subscription.requested_at, utcnow()
    )
    subscription.pending_topics, subscription.pending_districts = topics, districts
    subscription.requested_at = subscription.requested_at if recently_sent else utcnow()
    session.add(subscription)
    session.add(
        Consent(
            contact_id=contact.id,
            purpose=CONSENT_PURPOSE,
            method="form",
            text_version=form["consent_text_version"],
            proof=json.dumps({**proof, "requested_at": utcnow().isoformat()}),
        )
    )
    if not recently_sent:
        outbox.record(session, "network.contact.optin_requested", 1, _optin_payload(contact, links))
    return contact


def forget_unconfirmed(session: Session, requested_before: datetime) -> int:
    """Requests whose confirmation link was never opened, made before ``requested_before`` (long
    after the link expired): a person known only from that request is deleted with it (nobody
    confirmed the address is theirs); anyone else keeps what they had, only the request goes.
    Returns how many requests were dropped."""
    # requested_at marks a request waiting for its confirmation (confirming clears it)
    stale = select(Subscription).where(Subscription.requested_at < requested_before).with_for_update()
    dropped = 0
    for subscription in session.scalars(stale):
        if subscription.pending_topics is None:
            subscription.requested_at = None  # confirmed before requested_at was cleared on confirming
            continue
        contact = session.get(ContactPerson, subscription.contact_id)
        if contact is not None and _known_only_from_the_request(contact, subscription):
            for consent in list(contact.consents):
                session.delete(consent)
            session.delete(subscription)
            session.flush()
            session.delete(contact)
        else:
            subscription.pending_topics = subscription.pending_districts = subscription.requested_at = None
        dropped += 1
    return dropped


def _known_only_from_the_request(contact: ContactPerson, subscription: Subscription) -> bool:
    never_confirmed = subscription.confirmed_at is None and subscription.unsubscribed_at is None
    return never_confirmed and not contact.affiliations and contact.erased_at is None


def _optin_payload(contact: ContactPerson, links: Links) -> dict[str, Any]:
    return {
        "contact_id": contact.id,
        "email": contact.email,
        "name": contact.name,
        "language": contact.language,
        "confirm_url": links.confirm_url(contact),
        "preferences_url": links.preferences_url(contact.id),
    }


def _new_contact(session: Session, form: dict[str, Any]) -> ContactPerson:
    contact = ContactPerson(name=form["name"], email=form["email"].strip().lower(), language=form["language"])
    session.add(contact)
    session.flush()
    return contact


def contact_by_email(session: Session, email: str) -> ContactPerson | None:
    return session.scalar(
        select(ContactPerson)
        .where(func.lower(ContactPerson.email) == email.strip().lower(), ContactPerson.erased_at.is_(None))
        .order_by(ContactPerson.created_at)
        .limit(1)
    )


def check_choices(session: Session, topics: list[str], districts: list[str]) -> None:
    domain.check_topics(topics, _terms(session, "field_of_work", labels=False))
    domain.check_districts(districts, _terms(session, "district", labels=True))


def _terms(session: Session, vocabulary: str, labels: bool) -> set[str]:
    rows = session.execute(
        select(TaxonomyTerm.key, TaxonomyTerm.label_de).where(TaxonomyTerm.vocabulary == vocabulary)
    ).all()
    return {key for key, _ in rows} | ({label for _, label in rows} if labels else set())


def confirm(session: Session, links: Links, token: str) -> tuple[ContactPerson, Subscription]:
    """The link in the opt-in email was followed: the request becomes the subscription."""
    contact_id = links.contact_id(domain.CONFIRM_PURPOSE, token, domain.CONFIRM_MAX_AGE)
    contact, subscription = _subscriber(session, contact_id)
    if subscription.pending_topics is None:
        return contact, subscription  # already confirmed: following the link twice changes nothing
    _apply(subscription, subscription.pending_topics, subscription.pending_districts or [])
    _mark_consent_confirmed(session, contact_id)
    outbox.record(session, "network.contact.subscribed", 1, _subscribed_payload(contact, subscription, links))
    return contact, subscription


def _subscribed_payload(contact: ContactPerson, subscription: Subscription, links: Links) -> dict[str, Any]:
    return {
        **events.contact_subscribed(contact, subscription),
        "preferences_url": links.preferences_url(contact.id),
    }


def _apply(subscription: Subscription, topics: list[str], districts: list[str]) -> None:
    now = utcnow()
    subscription.topics, subscription.districts = topics, districts
    subscription.pending_topics = subscription.pending_districts = subscription.requested_at = None
    subscription.confirmed_at = subscription.confirmed_at or now
    subscription.unsubscribed_at = None if topics else now


def _mark_consent_confirmed(session: Session, contact_id: str) -> None:
    consent = _open_consents(session, contact_id)[-1:]
    for row in consent:
        row.proof = json.dumps({**json.loads(row.proof or "{}"), "confirmed_at": utcnow().isoformat()})


def _open_consents(session: Session, contact_id: str) -> list[Consent]:
    return list(
        session.scalars(
            select(Consent)
            .where(
                Consent.contact_id == contact_id,
                Consent.purpose == CONSENT_PURPOSE,
                Consent.withdrawn_at.is_(None),
            )
            .order_by(Consent.id)
        )
    )


def _subscriber(session: Session, contact_id: str) -> tuple[ContactPerson, Subscription]:
    contact = session.get(ContactPerson, contact_id)
    subscription = session.get(Subscription, contact_id)
    if contact is None or contact.erased_at is not None or subscription is None:
        raise NotFound("no subscription for this link", field="token")
    return contact, subscription


def preferences(session: Session, links: Links, token: str) -> tuple[ContactPerson, Subscription]:
    contact_id = links.contact_id(domain.PREFERENCES_PURPOSE, token, domain.PREFERENCES_MAX_AGE)
    return _subscriber(session, contact_id)


def change_preferences(
    session: Session,
    links: Links,
    token: str,
    topics: list[str],
    districts: list[str],
    digest: str | None = None,
) -> Subscription:
    """New topics and districts; no topics at all means unsubscribing from everything.

    The link came by email, so following it proves the address as the opt-in link would.
    """
    contact, subscription = preferences(session, links, token)
    topics, districts = domain.normalise(topics), domain.normalise(districts)
    check_choices(session, topics, districts)
    change = domain.change_of(subscription.topics if subscription.confirmed_at else [], topics)
    _apply(subscription, topics, districts)
    subscription.digest = digest or subscription.digest
    if change.unsubscribed_from_everything:
        _withdraw_consents(session, contact.id)
        payload = {"contact_id": contact.id, "email": contact.email, "removed_topics": change.removed_topics}
        outbox.record(session, "network.contact.unsubscribed", 1, payload)
    else:
        _mark_consent_confirmed(session, contact.id)
        payload = _subscribed_payload(contact, subscription, links)
        outbox.record(session, "network.contact.subscribed", 1, payload)
    return subscription


def _withdraw_consents(session: Session, contact_id: str) -> None:
    for consent in _open_consents(session, contact_id):
        consent.withdrawn_at = utcnow()


def subscription_of(session: Session, contact_id: str) -> tuple[ContactPerson, Subscription | None]:
    contact = session.get(ContactPerson, contact_id)
    if contact is None:
        raise NotFound("no such contact person", field="contact_id")
    return contact, session.get(Subscription, contact_id)


def status_of(subscription: Subscription | None) -> str:
    if subscription is None:
        return "none"
    pending = subscription.pending_topics is not None
    return domain.status_of(subscription.confirmed_at is not None, subscription.topics, pending)


TOPIC_LABELS = {
    "ki_events": "Veranstaltungen des KI (Fortbildungen, Netzwerktreffen, Infoveranstaltungen)",
    "funding_calls": "Förderaufrufe",
}


Options = list[tuple[str, str]]


def options(session: Session, subscription: Subscription) -> tuple[Options, Options]:
    """(value, German label) of every topic and district the preference form offers."""
    fields_of_work = _labelled_terms(session, "field_of_work")
    topics = list(TOPIC_LABELS.items()) + [
        (f"{domain.NEWSLETTER_PREFIX}{key}", f"Newsletter: {label}") for key, label in fields_of_work
    ]
    districts = _labelled_terms(session, "district")
    offered = {key for key, _ in topics} | {key for key, _ in districts}
    # What the person chose before stays visible even if the taxonomy no longer lists it.
    topics += [(t, t) for t in subscription.topics if t not in offered]
    districts += [(d, d) for d in subscription.districts if d not in offered]
    return topics, districts


def _labelled_terms(session: Session, vocabulary: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(TaxonomyTerm.key, TaxonomyTerm.label_de)
        .where(TaxonomyTerm.vocabulary == vocabulary, TaxonomyTerm.active.is_(True))
        .order_by(TaxonomyTerm.position, TaxonomyTerm.label_de)
    ).all()
    return [(key, label) for key, label in rows]
