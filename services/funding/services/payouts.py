"""Payout requests (Mittelabruf): the organisation asks, an approver decides, the ledgers follow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.funding import domain
from services.funding.domain import payouts as rules
from services.funding.models import Application, ProgrammeBudget, outbox
from services.funding.models.payouts import Payout
from services.funding.services import workflow
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound


def request_payout(
    session: Session, application_id: str, actor: Actor, amount_cents: int, purpose: str
) -> Payout:
    # The locked application row serialises racing requests, so the sum below stays true until commit.
    application = workflow.get_application(session, application_id, actor, for_update=True)
    if not actor.has_role("applicant") or application.organization_id not in actor.organization_ids:
        raise Forbidden("only a member of the applying organisation may request a payout")
    rules.check_payable_state(application.state)
    rules.check_within_approved(
        amount_cents, _bound_cents(session, application), application.approved_cents or 0
    )
    payout = Payout(
        application_id=application.id, amount_cents=amount_cents, purpose=purpose, requested_by=actor.user_id
    )
    session.add(payout)
    session.flush()
    event = {**_payout_event(application, payout), "purpose": purpose, "requested_by": actor.user_id}
    outbox.record(
        session, "funding.payout.requested", 1, {**event, "requested_at": payout.requested_at.isoformat()}
    )
    return payout


def approve_payout(
    session: Session, application_id: str, payout_id: str, actor: Actor, comment: str
) -> Payout:
    application, payout = _decidable(session, application_id, payout_id, actor)
    _add_paid_out(session, application, payout.amount_cents)
    _decide(payout, actor, rules.APPROVED, comment)
    if application.state == "approved":
        target = domain.transition(application.state, "start_payouts", actor)
        workflow.move(session, application, actor, "start_payouts", target, comment)
    event = {**_payout_event(application, payout), "paid_out_cents": application.paid_out_cents}
    event |= {"approved_by": actor.user_id, "decided_at": payout.decided_at.isoformat()}
    outbox.record(session, "funding.payout.approved", 1, event)
    return payout


def reject_payout(session: Session, application_id: str, payout_id: str, actor: Actor, reason: str) -> Payout:
    application, payout = _decidable(session, application_id, payout_id, actor)
    domain.check_text_given(reason, "reason")
    _decide(payout, actor, rules.REJECTED, reason)
    event = {**_payout_event(application, payout), "reason": reason, "rejected_by": actor.user_id}
    outbox.record(
        session, "funding.payout.rejected", 1, {**event, "decided_at": payout.decided_at.isoformat()}
    )
    return payout


def list_payouts(session: Session, application_id: str, actor: Actor) -> list[Payout]:
    workflow.get_application(session, application_id, actor)
    query = select(Payout).where(Payout.application_id == application_id)
    return list(session.scalars(query.order_by(Payout.requested_at, Payout.id)))


def has_pending(session: Session, application_id: str) -> bool:
    query = select(Payout.id).where(Payout.application_id == application_id, Payout.status == rules.PENDING)
    return session.scalar(query.limit(1)) is not None


def _decidable(
    session: Session, application_id: str, payout_id: str, actor: Actor
) -> tuple[Application, Payout]:
    application = workflow.get_application(session, application_id, actor, for_update=True)
    payout = session.get(Payout, payout_id)
    if payout is None or payout.application_id != application.id:
        raise NotFound("no such payout request")
    rules.check_decider(actor, payout.requested_by)
    rules.check_pending(payout.status)
    rules.check_payable_state(application.state)
    return application, payout


def _bound_cents(session: Session, application: Application) -> int:
    """Approved and pending requests together."""
    query = select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
        Payout.application_id == application.id, Payout.status.in_((rules.PENDING, rules.APPROVED))
    )
    return int(session.scalar(query))


def _add_paid_out(session: Session, application: Application, amount: int) -> None:
    """Conditional UPDATEs, as for the budget: paid out never passes approved, however decisions race."""
    result = session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.paid_out_cents + amount <= Application.approved_cents,
        )
        .values(paid_out_cents=Application.paid_out_cents + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("this payout would pay out more than was approved", field="amount_cents")
    budget = ProgrammeBudget
    session.execute(
        update(budget)
        .where(
            budget.programme_id == application.call.programme_id, budget.year == application.call.budget_year
        )
        .values(paid_out_cents=budget.paid_out_cents + amount)
        .execution_options(synchronize_session=False)
    )
    session.refresh(application, ["paid_out_cents"])


def _decide(payout: Payout, actor: Actor, status: str, comment: str) -> None:
    payout.status, payout.decided_by, payout.decided_at = status, actor.user_id, utcnow()
    payout.decision_comment = comment


def _payout_event(application: Application, payout: Payout) -> dict[str, Any]:
    return {
        **case_event(application),
        "payout_id": payout.id,
        "amount_cents": payout.amount_cents,
        "approved_cents": application.approved_cents,
    }


def case_event(application: Application) -> dict[str, Any]:
    return {
        "application_id": application.id,
        "organization_id": application.organization_id,
        "programme_id": application.call.programme_id,
        "title": application.title,
    }
