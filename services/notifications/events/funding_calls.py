"""Notifications' handlers for funding's call events."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from services.notifications.services import planning
from shared.events import Envelope
from shared.inbox import Handlers

BERLIN = ZoneInfo("Europe/Berlin")


def on_call_published(session: Session, event: Envelope) -> None:
    """A new call to the contacts subscribed to funding calls in its districts (domain.ROUTES)."""
    data = event.data
    context = {
        "title": data["title"],
        "programme_name": data["programme_name"],
        "summary": data["summary"],
        "budget_year": data["budget_year"],
        "opens": _berlin_day(data["opens_at"]),
        "closes": _berlin_day(data["closes_at"]),
        "closes_time": _berlin_time(data["closes_at"]),
        "portal_link": data["portal_url"],
    }
    planning.plan_routed(session, event, "call_published", context)


def _berlin(moment: str | datetime) -> datetime:
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return value.astimezone(BERLIN)


def _berlin_day(moment: str | datetime) -> str:
    """Deadlines are Berlin time; digits read the same in every language."""
    return _berlin(moment).strftime("%d.%m.%Y")


def _berlin_time(moment: str | datetime) -> str:
    return _berlin(moment).strftime("%H:%M")


HANDLERS: Handlers = {
    ("funding.call.published", 1): on_call_published,
}
