"""Small builders for the records a test needs, made through each service's own use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.funding.models import Call, Programme, ProgrammeBudget
from services.network.models import OutboxMessage as NetworkOutbox
from services.network.services import identity, registry, taxonomies
from shared.db import transaction, utcnow
from shared.inbox import Handlers, Inbox

PASSWORD = "ein-langes-testpasswort"


@dataclass(frozen=True)
class Organisation:
    id: str
    contact_email: str


@dataclass(frozen=True)
class Programmes:
    programme_id: str
    call_id: str
    year: int


def session_factory(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["teilhabe"].session_factory


def verified_organisation(
    network_app: Flask,
    name: str,
    contact_email: str,
    contact_name: str = "Ayşe Yılmaz",
    language: str = "de",
    district: str = "Köln-Mülheim",
    offers: tuple[str, ...] = (),
) -> Organisation:
    """An organisation verified by staff (offering the languages ``offers``), with a subscribed
    contact person (events recorded)."""
    with transaction(session_factory(network_app)) as session:
        organization = registry.register_organization(session, name, district, languages=list(offers))
        registry.verify_organization(session, organization.id)
        registry.add_subscribed_contact(
            session,
            contact_name,
            contact_email,
            language,
            [organization.id],
            topics=["funding_calls"],
            districts=[district],
        )
        return Organisation(organization.id, contact_email)


def seed_taxonomies(network_app: Flask) -> None:
    """The vocabularies migration 0002 seeds (tests empty every table, so they add them again)."""
    with transaction(session_factory(network_app)) as session:
        taxonomies.seed(session)


def network_events(network_app: Flask, event_type: str, consumer: str) -> list[dict[str, object]]:
    """Envelopes network's outbox holds for ``consumer``, oldest first."""
    with session_factory(network_app)() as session:
        rows = session.scalars(
            select(NetworkOutbox)
            .where(NetworkOutbox.event_type == event_type, NetworkOutbox.consumer == consumer)
            .order_by(NetworkOutbox.id)
        )
        return [row.envelope for row in rows]


def deliver_network_events(
    network_app: Flask, consumer_app: Flask, consumer: str, inbox: Inbox, handlers: Handlers
) -> int:
    """Hand every event network recorded for ``consumer`` to its inbox, as its worker would."""
    with session_factory(network_app)() as session:
        rows = session.scalars(
            select(NetworkOutbox).where(NetworkOutbox.consumer == consumer).order_by(NetworkOutbox.id)
        )
        envelopes = [row.envelope for row in rows]
    for envelope in envelopes:
        inbox.consume(session_factory(consumer_app), envelope, handlers)
    return len(envelopes)


def user(network_app: Flask, email: str, roles: list[str], organization_ids: list[str] = ()) -> str:
    with transaction(session_factory(network_app)) as session:
        return identity.create_user(session, email, PASSWORD, roles, list(organization_ids)).id


def login(network_client: FlaskClient, email: str) -> dict[str, str]:
    response = network_client.post("/network/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def open_call(
    funding_app: Flask,
    budget_cents: int = 10_000_000,
    max_amount_cents: int = 2_500_000,
    name: str = "KOMM-AN NRW",
    opens_in: timedelta = -timedelta(days=1),
    closes_in: timedelta = timedelta(days=30),
    districts: tuple[str, ...] = (),
    state: str = "published",
    **rules: object,
) -> Programmes:
    """A programme with this year's budget and a published call; ``rules`` are Programme columns."""
    now = utcnow()
    with transaction(session_factory(funding_app)) as session:
        programme = Programme(
            name=name,
            max_amount_cents=max_amount_cents,
            budgets=[ProgrammeBudget(year=now.year, budget_cents=budget_cents, committed_cents=0)],
            **rules,
        )
        session.add(programme)
        session.flush()
        call = Call(
            programme_id=programme.id,
            title=f"Förderaufruf {name}",
            budget_year=now.year,
            opens_at=now + opens_in,
            closes_at=now + closes_in,
            districts=list(districts),
            state=state,
            published_at=now if state == "published" else None,
        )
        session.add(call)
        session.flush()
        return Programmes(programme.id, call.id, now.year)


def application_body(call_id: str, organization_id: str, **overrides: object) -> dict[str, object]:
    """A complete application body (costs 5.000,50 €, own contribution 500,00 €), ready to be submitted
    to a programme without a minimum own contribution."""
    body: dict[str, object] = {
        "call_id": call_id,
        "organization_id": organization_id,
        "title": "Sprachcafé für Eltern",
        "summary": "Wöchentliches Treffen mit Kinderbetreuung.",
        "goals": "Eltern lernen Deutsch und finden Kontakt zu Schule und Kita.",
        "target_groups": ["Eltern mit Fluchtgeschichte"],
        "district": "Köln-Mülheim",
        "start_date": (utcnow().date() + timedelta(days=60)).isoformat(),
        "end_date": (utcnow().date() + timedelta(days=240)).isoformat(),
        "languages": ["de", "ar", "uk"],
        "cost_lines": [
            {"category": "personnel", "description": "Honorar Sprachmittlerin", "amount_cents": 480_000},
            {"category": "material", "description": "Lernmaterial", "amount_cents": 20_050},
        ],
        "own_contribution_cents": 50_000,
        "other_funding_cents": 0,
    }
    body.update(overrides)
    return body
