"""Notifications' handlers for funding's application events; audiences come from domain.ROUTES."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from services.notifications.config import portal_url
from services.notifications.services import planning
from shared.events import Envelope
from shared.inbox import Handlers

BERLIN = ZoneInfo("Europe/Berlin")


def on_application_submitted(session: Session, event: Envelope) -> None:
    data = event.data
    _tell_applicant(session, event, "application_submitted", requested_cents=data["requested_cents"])
    context = {**_context(data), "requested_cents": data["requested_cents"]}
    planning.plan_routed(
        session, event, "application_submitted_staff", context, route_key=f"{event.type}/staff"
    )


def on_application_resubmitted(session: Session, event: Envelope) -> None:
    """The caseworkers hear that an application they sent back for changes is back in review."""
    data = event.data
    context = {**_context(data), "requested_cents": data["requested_cents"], "comment": data["comment"]}
    planning.plan_routed(session, event, "application_resubmitted_staff", context)


def on_review_started(session: Session, event: Envelope) -> None:
    _tell_applicant(session, event, "application_review_started")


def on_application_withdrawn(session: Session, event: Envelope) -> None:
    # The Berlin calendar day, in digits every language reads the same.
    withdrawn_on = datetime.fromisoformat(event.data["withdrawn_at"]).astimezone(BERLIN)
    _tell_applicant(session, event, "application_withdrawn", withdrawn_on=withdrawn_on.strftime("%d.%m.%Y"))


def on_application_approved(session: Session, event: Envelope) -> None:
    _tell_applicant(session, event, "application_approved", approved_cents=event.data["approved_cents"])


def on_changes_requested(session: Session, event: Envelope) -> None:
    _tell_applicant(session, event, "application_changes_requested", comment=event.data["comment"])


def on_application_rejected(session: Session, event: Envelope) -> None:
    _tell_applicant(session, event, "application_rejected", reasons=event.data["reasons"])


def _tell_applicant(session: Session, event: Envelope, kind: str, **details: Any) -> None:
    """An email of ``kind`` to the applicant organisation's contact persons and the submitting user:
    administrative, about their own application, so no newsletter consent is needed."""
    planning.plan_routed(session, event, kind, {**_context(event.data), **details})


def _context(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}",
    }


HANDLERS: Handlers = {
    ("funding.application.submitted", 1): on_application_submitted,
    ("funding.application.review_started", 1): on_review_started,
    ("funding.application.withdrawn", 1): on_application_withdrawn,
    ("funding.application.approved", 1): on_application_approved,
    ("funding.application.changes_requested", 1): on_changes_requested,
    ("funding.application.rejected", 1): on_application_rejected,
    ("funding.application.resubmitted", 1): on_application_resubmitted,
}
