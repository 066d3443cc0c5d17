"""Notifications' handlers for funding's payout events (Mittelabruf); audiences come from domain.ROUTES."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.notifications.config import portal_url
from services.notifications.services import planning
from shared.events import Envelope
from shared.inbox import Handlers


def on_payout_requested(session: Session, event: Envelope) -> None:
    """The caseworkers hear that an organisation asked for money; the organisation itself saw the
    portal's answer."""
    data = event.data
    context = {**_context(data), "purpose": data["purpose"], "approved_cents": data["approved_cents"]}
    planning.plan_routed(session, event, "payout_requested_staff", context)


def on_payout_approved(session: Session, event: Envelope) -> None:
    data = event.data
    totals = {"paid_out_cents": data["paid_out_cents"], "approved_cents": data["approved_cents"]}
    planning.plan_routed(session, event, "payout_approved", {**_context(data), **totals})


def on_payout_rejected(session: Session, event: Envelope) -> None:
    context = {**_context(event.data), "reason": event.data["reason"]}
    planning.plan_routed(session, event, "payout_rejected", context)


def _context(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "amount_cents": data["amount_cents"],
        "portal_link": f"{portal_url()}/funding/applications/{data['application_id']}/payouts",
    }


HANDLERS: Handlers = {
    ("funding.payout.requested", 1): on_payout_requested,
    ("funding.payout.approved", 1): on_payout_approved,
    ("funding.payout.rejected", 1): on_payout_rejected,
}
