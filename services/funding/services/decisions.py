"""KI staff's use cases: review, change requests, recommendation, approval and rejection."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.funding import domain, events
from services.funding.models import (
    Application,
    outbox,
)
from services.funding.services import workflow
from shared.auth import Actor
from shared.db import utcnow


def start_review(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "start_review")
    workflow.move(session, application, actor, "start_review", target)
    return application


def request_changes(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "request_changes")
    domain.check_text_given(comment, "comment")
    workflow.move(session, application, actor, "request_changes", target, comment)
    payload = events.changes_requested(application, comment, actor.user_id)
    outbox.record(session, "funding.application.changes_requested", 1, payload)
    return application


def recommend_application(
    session: Session, application_id: str, actor: Actor, recommended_cents: int, comment: str
) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "recommend")
    domain.check_recommended_amount(recommended_cents, application.requested_cents)
    application.recommended_cents = recommended_cents
    application.recommended_by = actor.user_id
    workflow.move(session, application, actor, "recommend", target, comment)
    outbox.record(session, "funding.application.recommended", 1, events.application_recommended(application))
    return application


def approve_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "approve")
    domain.check_four_eyes(application.recommended_by, actor)
    amount = application.recommended_cents or 0
    workflow.commit_budget(session, application.call.programme_id, application.call.budget_year, amount)
    application.approved_cents = amount
    application.decided_by = actor.user_id
    application.decided_at = utcnow()
    workflow.move(session, application, actor, "approve", target, comment)
    outbox.record(session, "funding.application.approved", 1, events.application_approved(application))
    return application


def reject_application(
    session: Session, application_id: str, actor: Actor, reasons: list[str], comment: str
) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "reject")
    domain.check_reasons(reasons)
    application.decided_by = actor.user_id
    application.decided_at = utcnow()
    workflow.move(session, application, actor, "reject", target, "\n".join([*reasons, comment]).strip())
    payload = events.application_rejected(application, reasons)
    outbox.record(session, "funding.application.rejected", 1, payload)
    return application
