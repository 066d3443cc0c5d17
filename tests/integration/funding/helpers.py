"""Helpers for funding's API tests: a desk of signed-in people around one open call."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from services.funding.app import create_app
from services.funding.config import Settings
from services.funding.models import (
    Application,
    AuditEntry,
    EligibleOrganization,
    OutboxMessage,
    ProgrammeBudget,
)
from shared.db import transaction
from tests.support import builders
from tests.support.tokens import TokenMaker

APPLICATIONS = "/funding/api/v1/applications"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
ROLES = ("applicant", "caseworker", "approver", "admin")
STATES = ("draft", "submitted", "recommended", "approved")


def make_eligible(funding_app: Flask, organization_id: str, status: str = "verified") -> None:
    """Fill funding's read model as network's ``organization.verified`` event would."""
    with transaction(builders.session_factory(funding_app)) as session:
        session.add(
            EligibleOrganization(
                organization_id=organization_id,
                name="Brückenbau e.V.",
                district="Köln-Mülheim",
                status=status,
            )
        )


def body_requesting(call_id: str, organization_id: str, cents: int, **overrides: object) -> dict[str, object]:
    """An application body whose one cost line is exactly the requested amount."""
    line = {"category": "personnel", "description": "Honorar", "amount_cents": cents}
    return builders.application_body(
        call_id, organization_id, cost_lines=[line], own_contribution_cents=0, **overrides
    )


@dataclass
class Desk:
    """One open call, one organisation and its applicant, and one person per role (ids in ``user_ids``)."""

    app: Flask
    tokens: TokenMaker
    programmes: builders.Programmes
    organization_id: str
    user_ids: dict[str, str]

    @classmethod
    def around(cls, app: Flask, tokens: TokenMaker, programmes: builders.Programmes) -> Desk:
        return cls(app, tokens, programmes, str(uuid.uuid4()), {role: str(uuid.uuid4()) for role in ROLES})

    def headers_of(self, role: str) -> dict[str, str]:
        """A token for this desk's person in ``role``; an applicant belongs to the organisation."""
        orgs = (self.organization_id,) if role == "applicant" else ()
        return self.tokens.headers(role, orgs=orgs, user_id=self.user_ids[role])

    @property
    def applicant(self) -> dict[str, str]:
        return self.headers_of("applicant")

    @property
    def caseworker(self) -> dict[str, str]:
        return self.headers_of("caseworker")

    @property
    def approver(self) -> dict[str, str]:
        return self.headers_of("approver")

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    def body(self, **overrides: object) -> dict[str, object]:
        return builders.application_body(self.programmes.call_id, self.organization_id, **overrides)

    def create(
        self, body: dict[str, object] | None = None, headers: dict[str, str] | None = None
    ) -> TestResponse:
        return self.client.post(APPLICATIONS, json=body or self.body(), headers=headers or self.applicant)

    def act(
        self, application_id: str, action: str, headers: dict[str, str], json: dict[str, Any] | None = None
    ) -> TestResponse:
        return self.client.post(f"{APPLICATIONS}/{application_id}/{action}", json=json or {}, headers=headers)

    def draft(self, body: dict[str, object] | None = None) -> str:
        response = self.create(body)
        assert response.status_code == 201, response.json
        return response.json["id"]

    def in_state(
        self, state: str, body: dict[str, object] | None = None, recommended_cents: int = 400_000
    ) -> str:
        """A new application moved through the workflow up to ``state``."""
        steps = [
            ("submit", self.applicant, {}),
            ("recommend", self.caseworker, {"recommended_cents": recommended_cents}),
            ("approve", self.approver, {}),
        ]
        application_id = self.draft(body)
        for action, headers, payload in steps[: STATES.index(state)]:
            response = self.act(application_id, action, headers, payload)
            assert response.status_code == 200, (action, response.json)
        return application_id


def stored(funding_app: Flask, application_id: str) -> Application:
    with builders.session_factory(funding_app)() as session:
        return session.get(Application, application_id)


def audit_trail(funding_app: Flask, application_id: str) -> list[tuple[str, str, str, str]]:
    """(action, from_state, to_state, actor_id) per entry, oldest first."""
    with builders.session_factory(funding_app)() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.application_id == application_id).order_by(AuditEntry.id)
        )
        return [(e.action, e.from_state, e.to_state, e.actor_id) for e in entries]


def outbox_rows(funding_app: Flask, event_type: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if event_type:
        query = query.where(OutboxMessage.event_type == event_type)
    with builders.session_factory(funding_app)() as session:
        return list(session.scalars(query))


def committed_cents(funding_app: Flask, programmes: builders.Programmes) -> int:
    with builders.session_factory(funding_app)() as session:
        return session.get(ProgrammeBudget, (programmes.programme_id, programmes.year)).committed_cents


@contextmanager
def funding_app_with(database_url: str, redis_url: str, jwt_public_key: bytes) -> Iterator[Flask]:
    """A second funding app on chosen infrastructure, its connections closed afterwards."""
    app = create_app(
        Settings(
            service="funding", database_url=database_url, redis_url=redis_url, jwt_public_key=jwt_public_key
        )
    )
    try:
        yield app
    finally:
        app.extensions["teilhabe"].engine.dispose()
