"""Funding's use cases; each runs inside the caller's transaction and records its events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.funding import domain, events
from services.funding.models import (
    Application,
    AuditEntry,
    Call,
    CostLine,
    EligibleOrganization,
    ProgrammeBudget,
    outbox,
)
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound


def list_open_calls(session: Session) -> list[Call]:
    now = utcnow()
    return list(
        session.scalars(
            select(Call).where(Call.opens_at <= now, Call.closes_at > now).order_by(Call.closes_at)
        )
    )


def create_application(session: Session, actor: Actor, data: dict[str, Any]) -> Application:
    if not actor.has_role("applicant"):
        raise Forbidden("only applicants create applications")
    if data["organization_id"] not in actor.organization_ids:
        raise Forbidden("you may apply only for an organisation you belong to", field="organization_id")
    if session.get(Call, data["call_id"]) is None:
        raise NotFound("no such call", field="call_id")
    lines = [CostLine(position=i, **line) for i, line in enumerate(data["cost_lines"])]
    application = Application(
        call_id=data["call_id"],
        organization_id=data["organization_id"],
        title=data["title"],
        summary=data.get("summary", ""),
        created_by=actor.user_id,
        cost_lines=lines,
        own_contribution_cents=data["own_contribution_cents"],
        other_funding_cents=data["other_funding_cents"],
        requested_cents=domain.requested_amount(
            [line.amount_cents for line in lines],
            data["own_contribution_cents"],
            data["other_funding_cents"],
        ),
    )
    session.add(application)
    session.flush()
    return application


def get_application(
    session: Session, application_id: str, actor: Actor, for_update: bool = False
) -> Application:
    """The application if the actor may see it; another organisation's looks like none at all."""
    # Locked for a transition (PostgreSQL), so two racing moves cannot fork the audit chain.
    application = session.get(Application, application_id, with_for_update=for_update or None)
    if application is None or not _may_see(actor, application):
        raise NotFound("no such application")
    return application


def list_applications(session: Session, actor: Actor) -> list[Application]:
    query = select(Application).order_by(Application.created_at.desc())
    if not actor.is_staff:
        query = query.where(Application.organization_id.in_(actor.organization_ids))
    return list(session.scalars(query))


def submit_application(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = _load_for(session, application_id, actor, "submit")
    organization = session.get(EligibleOrganization, application.organization_id)
    if organization is None or organization.status != "verified":
        raise Conflict("the organisation is not verified by the KI yet", field="organization_id")
    now = utcnow()
    domain.check_call_open(now, application.call.opens_at, application.call.closes_at)
    domain.check_submittable(
        application.title,
        [line.amount_cents for line in application.cost_lines],
        application.requested_cents,
        application.call.programme.max_amount_cents,
    )
    application.submitted_at = now
    _move(session, application, actor, "submit", target)
    outbox.record(session, "funding.application.submitted", 1, events.application_submitted(application))
    return application


def recommend_application(
    session: Session, application_id: str, actor: Actor, recommended_cents: int, comment: str
) -> Application:
    application, target = _load_for(session, application_id, actor, "recommend")
    domain.check_recommended_amount(recommended_cents, application.requested_cents)
    application.recommended_cents = recommended_cents
    application.recommended_by = actor.user_id
    _move(session, application, actor, "recommend", target, comment)
    outbox.record(session, "funding.application.recommended", 1, events.application_recommended(application))
    return application


def approve_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = _load_for(session, application_id, actor, "approve")
    domain.check_four_eyes(application.recommended_by, actor)
    amount = application.recommended_cents or 0
    _commit_budget(session, application.call.programme_id, application.call.budget_year, amount)
    application.approved_cents = amount
    application.decided_by = actor.user_id
    application.decided_at = utcnow()
    _move(session, application, actor, "approve", target, comment)
    outbox.record(session, "funding.application.approved", 1, events.application_approved(application))
    return application


def start_review(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = _load_for(session, application_id, actor, "start_review")
    _move(session, application, actor, "start_review", target)
    return application


def request_changes(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = _load_for(session, application_id, actor, "request_changes")
    domain.check_text_given(comment, "comment")
    _move(session, application, actor, "request_changes", target, comment)
    payload = events.changes_requested(application, comment, actor.user_id)
    outbox.record(session, "funding.application.changes_requested", 1, payload)
    return application


def resubmit_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = _load_for(session, application_id, actor, "resubmit")
    domain.check_submittable(
        application.title,
        [line.amount_cents for line in application.cost_lines],
        application.requested_cents,
        application.call.programme.max_amount_cents,
    )
    _move(session, application, actor, "resubmit", target, comment)
    return application


def reject_application(
    session: Session, application_id: str, actor: Actor, reasons: list[str], comment: str
) -> Application:
    application, target = _load_for(session, application_id, actor, "reject")
    domain.check_reasons(reasons)
    application.decided_by = actor.user_id
    application.decided_at = utcnow()
    _move(session, application, actor, "reject", target, "\n".join([*reasons, comment]).strip())
    payload = events.application_rejected(application, reasons)
    outbox.record(session, "funding.application.rejected", 1, payload)
    return application


def withdraw_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = _load_for(session, application_id, actor, "withdraw")
    from_state = application.state
    _move(session, application, actor, "withdraw", target, comment)
    outbox.record(
        session,
        "funding.application.withdrawn",
        1,
        events.application_withdrawn(application, actor.user_id, from_state),
    )
    return application


def audit_trail(session: Session, application_id: str, actor: Actor) -> list[AuditEntry]:
    """The application's audit trail, oldest first; staff only."""
    if not actor.is_staff:
        raise Forbidden("only KI staff may read the audit trail")
    get_application(session, application_id, actor)
    return _entries(session, application_id)


def verify_audit_trail(session: Session, application_id: str) -> tuple[bool, int | None]:
    """Recompute the hash chain: (intact, id of the first broken entry or None)."""
    broken = domain.first_broken([_record(entry) for entry in _entries(session, application_id)])
    return broken is None, broken


def _entries(session: Session, application_id: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.application_id == application_id).order_by(AuditEntry.id)
    return list(session.scalars(query))


def _record(entry: AuditEntry) -> domain.AuditRecord:
    return domain.AuditRecord(entry.id, _hashed_fields(entry), entry.previous_hash, entry.entry_hash)


def _hashed_fields(entry: AuditEntry) -> dict[str, str]:
    fields = {name: getattr(entry, name) for name in domain.HASHED_FIELDS}
    return {**fields, "at": entry.at.isoformat()}


def _load_for(session: Session, application_id: str, actor: Actor, action: str) -> tuple[Application, str]:
    """The application locked for ``action`` and the state it moves to, once role and state allow it."""
    application = get_application(session, application_id, actor, for_update=True)
    target = domain.transition(application.state, action, actor)
    if domain.TRANSITIONS[action].role == "applicant" and application.organization_id not in (
        actor.organization_ids
    ):
        raise Forbidden("only a member of the applying organisation may do this")
    return application, target


def _commit_budget(session: Session, programme_id: str, year: int, amount: int) -> None:
    """One conditional UPDATE: the committed total can never pass the budget, however approvals race."""
    budget = ProgrammeBudget
    result = session.execute(
        update(budget)
        .where(
            budget.programme_id == programme_id,
            budget.year == year,
            budget.committed_cents + amount <= budget.budget_cents,
        )
        .values(committed_cents=budget.committed_cents + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(
            f"the programme's budget for {year} has not enough left for "
            f"{domain.format_euro(amount)}; nothing was approved",
            field="approved_cents",
        )


def _move(
    session: Session,
    application: Application,
    actor: Actor,
    action: str,
    target: str,
    comment: str = "",
) -> None:
    entry = AuditEntry(
        application_id=application.id,
        actor_id=actor.user_id,
        action=action,
        from_state=application.state,
        to_state=target,
        comment=comment,
        at=utcnow(),
    )
    last = select(AuditEntry.entry_hash).where(AuditEntry.application_id == application.id)
    entry.previous_hash = session.scalar(last.order_by(AuditEntry.id.desc()).limit(1)) or domain.GENESIS_HASH
    entry.entry_hash = domain.audit_hash(_hashed_fields(entry), entry.previous_hash)
    session.add(entry)
    application.state = target


def _may_see(actor: Actor, application: Application) -> bool:
    return actor.is_staff or application.organization_id in actor.organization_ids
