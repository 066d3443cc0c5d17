"""Applicants' use cases: drafts, submission, resubmission, withdrawal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.funding import domain, events
from services.funding.models import (
    Application,
    Call,
    CostLine,
    EligibleOrganization,
    outbox,
)
from services.funding.services import workflow
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound


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


def list_applications(session: Session, actor: Actor) -> list[Application]:
    query = select(Application).order_by(Application.created_at.desc())
    if not actor.is_staff:
        query = query.where(Application.organization_id.in_(actor.organization_ids))
    return list(session.scalars(query))


def submit_application(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "submit")
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
    workflow.move(session, application, actor, "submit", target)
    outbox.record(session, "funding.application.submitted", 1, events.application_submitted(application))
    return application


def resubmit_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "resubmit")
    domain.check_submittable(
        application.title,
        [line.amount_cents for line in application.cost_lines],
        application.requested_cents,
        application.call.programme.max_amount_cents,
    )
    workflow.move(session, application, actor, "resubmit", target, comment)
    return application


def withdraw_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "withdraw")
    from_state = application.state
    workflow.move(session, application, actor, "withdraw", target, comment)
    outbox.record(
        session,
        "funding.application.withdrawn",
        1,
        events.application_withdrawn(application, actor.user_id, from_state),
    )
    return application
