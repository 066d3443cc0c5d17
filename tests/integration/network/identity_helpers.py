"""What the identity tests share: signing in, a settable clock, reading network's outbox and audit."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import AccountAudit, Organization, OutboxMessage
from shared.db import transaction, utcnow
from tests.support import builders

AUTH = "/network/api/v1/auth"
USERS = "/network/api/v1/users"


class Clock:
    """A clock the test moves by hand; network's sign-in throttling and links read it."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def install_clock(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    context = app.extensions["teilhabe"]
    monkeypatch.setattr(context, "settings", dataclasses.replace(context.settings, clock=clock))
    return clock


def sign_in(client: FlaskClient, email: str, password: str = builders.PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(f"{AUTH}/token", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def events(app: Flask, event_type: str) -> list[dict[str, Any]]:
    """The payloads network recorded for ``event_type``, one per event (not per consumer)."""
    with transaction(builders.session_factory(app)) as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_type == event_type).order_by(OutboxMessage.id)
        )
        unique = {row.event_id: row.envelope["data"] for row in rows}
    return list(unique.values())


def reset_token(app: Flask) -> str:
    [data] = events(app, "network.user.password_reset_requested")[-1:]
    return parse_qs(urlparse(data["reset_url"]).query)["token"][0]


def audit_actions(app: Flask, user_id: str) -> list[str]:
    with transaction(builders.session_factory(app)) as session:
        query = select(AccountAudit.action).where(AccountAudit.target_user_id == user_id)
        return list(session.scalars(query.order_by(AccountAudit.id)))


def organisation(app: Flask, name: str = "Brückenbau e.V.") -> str:
    """An organisation row in network's registry (what memberships point at)."""
    with transaction(builders.session_factory(app)) as session:
        organization = Organization(name=name, district="Köln-Mülheim")
        session.add(organization)
        session.flush()
        return organization.id


def admin(app: Flask, client: FlaskClient, email: str = "admin@ki.example") -> tuple[str, dict[str, str]]:
    """A real admin account (so last-admin rules see it) and its signed-in headers."""
    user_id = builders.user(app, email, ["admin"])
    return user_id, bearer(sign_in(client, email).json["access_token"])
