"""Notifications' handlers for funding's proof-of-use report events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from services.notifications.config import portal_url
from services.notifications.services import planning
from shared.events import Envelope
from shared.inbox import Handlers

# What a closed case's email states: approved and paid out against what was finally funded, and
# what is still owed either way.
_SETTLEMENT = (
    "approved_cents",
    "paid_out_cents",
    "funded_cents",
    "repayment_claim_cents",
    "balance_due_cents",
)


def on_report_due(session: Session, event: Envelope) -> None:
    """The organisation's contact persons learn that the proof of use is due, and by when; an
    administrative message about their own grant, so no newsletter consent is needed."""
    data = event.data
    context = {**_context(data), "due_on": _day(data["due_on"]), "days_before": data["days_before"]}
    planning.plan_routed(session, event, "report_due", context)


def on_report_overdue(session: Session, event: Envelope) -> None:
    context = {**_context(event.data), "due_on": _day(event.data["due_on"])}
    planning.plan_routed(session, event, "report_overdue", context)


def on_report_submitted(session: Session, event: Envelope) -> None:
    """The caseworkers hear that a proof of use is waiting for them; the organisation submitted it
    itself and saw the portal's answer."""
    data = event.data
    context = {
        **_context(data),
        "submission": data["submission"],
        "actual_total_cents": data["actual_total_cents"],
    }
    planning.plan_routed(session, event, "report_submitted_staff", context)


def on_report_changes_requested(session: Session, event: Envelope) -> None:
    context = {**_context(event.data), "comment": event.data["comment"]}
    planning.plan_routed(session, event, "report_changes_requested", context)


def on_report_accepted(session: Session, event: Envelope) -> None:
    data = event.data
    context = {**_context(data), **{name: data[name] for name in _SETTLEMENT}}
    planning.plan_routed(session, event, "report_accepted", context)


def _context(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}/report",
    }


def _day(iso_date: str) -> str:
    # Day.Month.Year reads unambiguously in every language the templates use.
    return date.fromisoformat(iso_date).strftime("%d.%m.%Y")


HANDLERS: Handlers = {
    ("funding.report.due", 1): on_report_due,
    ("funding.report.overdue", 1): on_report_overdue,
    ("funding.report.submitted", 1): on_report_submitted,
    ("funding.report.changes_requested", 1): on_report_changes_requested,
    ("funding.report.accepted", 1): on_report_accepted,
}
