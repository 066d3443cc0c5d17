"""What notifications' tests share: events handed to its inbox as its worker would, subscribers,
and the rows it keeps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.notifications import delivery, domain, events
from services.notifications.mailer import SmtpSettings
from services.notifications.models import Email, Recipient, Suppression, inbox
from services.notifications.services import planning
from shared.db import transaction
from shared.events import Envelope, make_envelope
from shared.events.samples import load_sample
from tests.support import builders

# The context of the "application_approved" message, used where any message would do.
APPROVED = {"title": "Sprachcafé", "approved_cents": 400_000, "portal_link": "http://portal.test/a/1"}


def event(event_type: str, producer: str | None = None, **data: Any) -> Envelope:
    """A valid event of ``event_type``: its golden sample's payload with ``data`` over it."""
    payload = {**load_sample(event_type, 1)["data"], **data}
    return make_envelope(event_type, 1, payload, producer or event_type.split(".")[0], None)


def deliver(app: Flask, envelope: Envelope) -> str:
    """Hand ``envelope`` to notifications' inbox, as its worker would; returns the outcome."""
    return inbox.consume(builders.session_factory(app), envelope.as_dict(), events.HANDLERS).value


def subscribe(
    app: Flask,
    email: str,
    topics: tuple[str, ...] = ("funding_calls",),
    districts: tuple[str, ...] = (),
    organization_ids: tuple[str, ...] = (),
    language: str = "de",
    **extra: Any,
) -> str:
    """A contact person whose subscription network confirmed (double opt-in); returns the id."""
    contact_id = str(uuid.uuid4())
    data = {
        "contact_id": contact_id,
        "email": email,
        "name": extra.pop("name", "Ayşe Yılmaz"),
        "language": language,
        "topics": list(topics),
        "districts": list(districts),
        "organization_ids": list(organization_ids),
        "preferences_url": f"http://portal.test/network/preferences?token=t-{contact_id}",
        **extra,
    }
    assert deliver(app, make_envelope("network.contact.subscribed", 1, data, "network", None)) == "handled"
    return contact_id


@contextmanager
def session_of(app: Flask) -> Iterator[Session]:
    with transaction(builders.session_factory(app)) as session:
        yield session


def emails(app: Flask) -> list[Email]:
    with session_of(app) as session:
        return list(session.scalars(select(Email).order_by(Email.id)))


def recipient(app: Flask, contact_id: str) -> Recipient | None:
    with session_of(app) as session:
        return session.get(Recipient, contact_id, options=[selectinload(Recipient.organizations)])


def suppressions(app: Flask) -> list[Suppression]:
    with session_of(app) as session:
        return list(session.scalars(select(Suppression).order_by(Suppression.id)))


def plan_approval(app: Flask, *addresses: str, purpose: str = domain.ADMINISTRATIVE) -> str:
    """An approval email planned to each address, as any message would be; returns the event id."""
    approval = event("funding.application.approved")
    addressees = [domain.Addressee(a, "Ayşe Yılmaz", ("de",)) for a in addresses]
    with session_of(app) as session:
        planning.plan_emails(session, approval, "application_approved", addressees, APPROVED, purpose=purpose)
    return approval.id


def send(app: Flask, smtp: SmtpSettings, **options: Any) -> delivery.DeliveryReport:
    """One delivery run, as the worker's task makes it."""
    return delivery.deliver_pending(builders.session_factory(app), smtp, **options)


def the_email(app: Flask) -> Email:
    [email] = emails(app)
    return email


def contact(
    app: Flask, email: str, organization_ids: tuple[str, ...], language: str = "de", name: str = ""
) -> str:
    """A contact person of ``organization_ids`` as network's snapshot describes them, who never
    subscribed to any newsletter (no consent); returns the id."""
    contact_id = str(uuid.uuid4())
    data = {
        "contact_id": contact_id,
        "email": email,
        "name": name,
        "language": language,
        "organization_ids": list(organization_ids),
        "topics": [],
        "districts": [],
        "consent_confirmed_at": None,
        "consent_source": "",
    }
    assert deliver(app, event("network.contact.snapshot", **data)) == "handled"
    return contact_id
