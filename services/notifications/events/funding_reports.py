"""Notifications' handlers for funding's proof-of-use report events."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.notifications.config import portal_url
from services.notifications.services import planning
from shared.events import Envelope
from shared.inbox import Handlers


def on_report_due(session: Session, event: Envelope) -> None:
    """The organisation's contact persons learn that the proof of use is due, and by when; an
    administrative message about their own grant, so no newsletter consent is needed."""
    data = event.data
    context = {
        "title": data["title"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}/report",
        # Day.Month.Year reads unambiguously in every language the templates use.
        "due_on": date.fromisoformat(data["due_on"]).strftime("%d.%m.%Y"),
        "days_before": data["days_before"],
    }
    planning.plan_routed(session, event, "report_due", context)


HANDLERS: Handlers = {
    ("funding.report.due", 1): on_report_due,
}
