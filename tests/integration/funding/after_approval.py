"""Helpers for tests after approval: payouts, the proof of use, beat's reminder pass."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from services.funding.domain import reports as report_rules
from services.funding.models import OutboxMessage, ProgrammeBudget
from services.funding.services import reminders
from services.funding.services.reports import project_end
from shared.db import transaction
from tests.integration.funding.helpers import APPLICATIONS, Desk, stored
from tests.support import builders

DUE_DAYS = 180
STEPS = (28, 7)
APPROVED = 400_000  # the desk's default recommendation, approved as is
REPORT = {
    "narrative": "Zwölf Treffen mit durchschnittlich 15 Eltern; Kinderbetreuung an jedem Termin.",
    "actual_costs": [
        {"category": "personnel", "amount_cents": 430_000},
        {"category": "material", "amount_cents": 25_000},
    ],
}


def publish_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every event a consumer, so events nobody subscribes to yet leave outbox rows to inspect."""
    monkeypatch.setattr("shared.outbox.consumers_of", lambda event_type: ("probe",))


def events_of(desk: Desk, event_type: str) -> list[dict[str, Any]]:
    query = select(OutboxMessage).where(OutboxMessage.event_type == event_type).order_by(OutboxMessage.id)
    with builders.session_factory(desk.app)() as session:
        # One row per consumer; one payload per event.
        return list({row.event_id: row.envelope["data"] for row in session.scalars(query)}.values())


def ledger(desk: Desk) -> ProgrammeBudget:
    with builders.session_factory(desk.app)() as session:
        return session.get(ProgrammeBudget, (desk.programmes.programme_id, desk.programmes.year))


def request_payout(desk: Desk, application_id: str, cents: int, purpose: str = "Erste Rate") -> TestResponse:
    body = {"amount_cents": cents, "purpose": purpose}
    return desk.client.post(f"{APPLICATIONS}/{application_id}/payouts", json=body, headers=desk.applicant)


def decide_payout(
    desk: Desk, application_id: str, payout_id: str, decision: str, headers: dict[str, str] | None = None
) -> TestResponse:
    body = {"reason": "Bitte Belege nachreichen."} if decision == "reject" else {}
    url = f"{APPLICATIONS}/{application_id}/payouts/{payout_id}/{decision}"
    return desk.client.post(url, json=body, headers=headers or desk.approver)


def paid_out(desk: Desk, application_id: str, cents: int) -> None:
    """A payout requested and approved."""
    requested = request_payout(desk, application_id, cents)
    assert requested.status_code == 201, requested.json
    approved = decide_payout(desk, application_id, requested.json["id"], "approve")
    assert approved.status_code == 200, approved.json


def project_end_day(desk: Desk, application_id: str) -> date:
    return report_rules.berlin_date(project_end(stored(desk.app, application_id)))


def at_berlin_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=report_rules.BERLIN).astimezone(UTC)


def beat_pass(desk: Desk, now: datetime) -> reminders.Summary:
    """One pass of beat's reminder job at a chosen moment."""
    with transaction(builders.session_factory(desk.app)) as session:
        return reminders.run(session, now, DUE_DAYS, STEPS)


def report_due(desk: Desk, application_id: str) -> date:
    """Beat's pass the day after the project ended; returns the due date."""
    summary = beat_pass(desk, at_berlin_noon(project_end_day(desk, application_id) + timedelta(days=1)))
    assert summary.opened >= 1
    return project_end_day(desk, application_id) + timedelta(days=DUE_DAYS)


def submit_report(desk: Desk, application_id: str, body: dict[str, Any] | None = None) -> TestResponse:
    return desk.client.post(
        f"{APPLICATIONS}/{application_id}/report", json=body or REPORT, headers=desk.applicant
    )


def report_action(
    desk: Desk, application_id: str, action: str, headers: dict[str, str] | None = None, **body: Any
) -> TestResponse:
    url = f"{APPLICATIONS}/{application_id}/report/{action}"
    return desk.client.post(url, json=body, headers=headers or desk.caseworker)
