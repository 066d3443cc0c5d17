"""KI staff's use cases: checklists, review, assessment, recommendation, approval and rejection.

The assessment is saved first (``save_assessment``, as often as the caseworker likes while the
application is submitted or in review); ``recommend_application`` then takes it as it is, may set its
recommended amount, requires every required checklist item answered, and freezes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.funding import domain, events
from services.funding.domain import assessments as rules
from services.funding.domain.letters import APPROVAL, REJECTION
from services.funding.models import Application, outbox
from services.funding.models.assessments import Assessment, AssessmentAnswer, ChecklistItem
from services.funding.services import letters, programmes, workflow
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound


def start_review(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "start_review")
    workflow.move(session, application, actor, "start_review", target)
    payload = events.review_started(application, actor.user_id)
    outbox.record(session, "funding.application.review_started", 1, payload)
    return application


def request_changes(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "request_changes")
    domain.check_text_given(comment, "comment")
    workflow.move(session, application, actor, "request_changes", target, comment)
    payload = events.changes_requested(application, comment, actor.user_id)
    outbox.record(session, "funding.application.changes_requested", 1, payload)
    return application


def recommend_application(
    session: Session,
    application_id: str,
    actor: Actor,
    comment: str = "",
    recommended_cents: int | None = None,
) -> Application:
    """Recommend on the saved assessment; ``recommended_cents``, when given, becomes its amount."""
    application, target = workflow.load_for(session, application_id, actor, "recommend")
    workflow.check_eligible(session, application)
    assessment = _assessment_to_edit(session, application, actor)
    if recommended_cents is not None:
        assessment.recommended_cents = recommended_cents
    amount = assessment.recommended_cents
    if amount is None:
        raise Invalid({"recommended_cents": ["give the recommended amount here or in the assessment"]})
    domain.check_recommended_amount(amount, application.requested_cents)
    items = _items(session, application.call.programme_id)
    rules.check_complete(items, [answer.item_id for answer in assessment.answers])
    assessment.completed_at = utcnow()
    application.recommended_cents = amount
    application.recommended_by = actor.user_id
    workflow.move(session, application, actor, "recommend", target, comment)
    outbox.record(session, "funding.application.recommended", 1, events.application_recommended(application))
    return application


def approve_application(
    session: Session,
    application_id: str,
    actor: Actor,
    comment: str,
    report_due_days: int,
) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "approve")
    domain.check_four_eyes(application.recommended_by, actor)
    workflow.check_eligible(session, application)
    amount, now = application.recommended_cents or 0, utcnow()
    # Rendered before the budget row is locked: racing approvals then wait for the UPDATE, not a PDF.
    decision = letters.Decision(APPROVAL, actor, now, report_due_days, approved_cents=amount)
    letter = letters.prepare(session, application, decision)
    workflow.commit_budget(session, application.call.programme_id, application.call.budget_year, amount)
    _decided(application, actor, now)
    application.approved_cents = amount
    workflow.move(session, application, actor, "approve", target, comment)
    outbox.record(session, "funding.application.approved", 1, events.application_approved(application))
    session.add(letter)
    return application


def reject_application(
    session: Session,
    application_id: str,
    actor: Actor,
    reasons: list[str],
    comment: str,
    report_due_days: int,
) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "reject")
    domain.check_reasons(reasons)
    now = utcnow()
    decision = letters.Decision(REJECTION, actor, now, report_due_days, reasons=tuple(reasons))
    session.add(letters.prepare(session, application, decision))
    _decided(application, actor, now)
    workflow.move(session, application, actor, "reject", target, "\n".join([*reasons, comment]).strip())
    payload = events.application_rejected(application, reasons)
    outbox.record(session, "funding.application.rejected", 1, payload)
    return application


def _decided(application: Application, actor: Actor, at: datetime) -> None:
    application.decided_by = actor.user_id
    application.decided_at = at


# --- the assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentView:
    """The assessment as staff read it: each checklist item with its answer, and what is missing."""

    application_id: str
    requested_cents: int
    comment: str
    recommended_cents: int | None
    assessor_id: str | None
    assessor_email: str | None
    updated_at: datetime | None
    completed_at: datetime | None
    items: list[dict[str, Any]]
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def get_assessment(session: Session, application_id: str, actor: Actor) -> AssessmentView:
    application = workflow.get_application(session, application_id, actor)
    if not actor.is_staff:
        raise Forbidden("only KI staff may read the assessment")
    return _view(session, application, session.get(Assessment, application.id))


def save_assessment(
    session: Session,
    application_id: str,
    actor: Actor,
    answers: list[dict[str, Any]],
    comment: str = "",
    recommended_cents: int | None = None,
) -> AssessmentView:
    """Replace the caseworker's assessment; it may stay incomplete until the recommendation."""
    application = workflow.get_application(session, application_id, actor, for_update=True)
    if not actor.has_role("caseworker"):
        raise Forbidden("only a caseworker may assess an application")
    if application.state not in rules.EDITABLE_STATES:
        raise Conflict(
            f"an application in state {application.state!r} can no longer be assessed", field="state"
        )
    if recommended_cents is not None:
        domain.check_recommended_amount(recommended_cents, application.requested_cents)
    given = [rules.Answer(a["item_id"], a["answer"], a.get("note", "")) for a in answers]
    items = {item.id: item for item in _items(session, application.call.programme_id)}
    rules.check_answers(items.values(), given)
    assessment = _assessment_to_edit(session, application, actor)
    assessment.comment, assessment.recommended_cents = comment, recommended_cents
    assessment.answers = [
        _answer(application.id, index, items[a.item_id], a) for index, a in enumerate(given)
    ]
    return _view(session, application, assessment)


def _assessment_to_edit(session: Session, application: Application, actor: Actor) -> Assessment:
    assessment = session.get(Assessment, application.id)
    if assessment is None:
        assessment = Assessment(application_id=application.id, comment="", answers=[])
        session.add(assessment)
    assessment.assessor_id, assessment.assessor_email = actor.user_id, actor.email
    assessment.updated_at = utcnow()
    return assessment


def _answer(application_id: str, index: int, item: rules.Item, given: rules.Answer) -> AssessmentAnswer:
    return AssessmentAnswer(
        application_id=application_id,
        item_id=item.id,
        position=index,
        item_text=item.text,
        answer=given.answer,
        note=given.note,
    )


def _view(session: Session, application: Application, assessment: Assessment | None) -> AssessmentView:
    answers = {a.item_id: a for a in assessment.answers} if assessment else {}
    # A frozen assessment shows the checklist as it was answered; an open one the programme's current one.
    if assessment and assessment.completed_at:
        items = [rules.Item(a.item_id, a.item_text, a.item.required) for a in assessment.answers]
    else:
        items = _items(session, application.call.programme_id)
    rows = [_row(item, answers.get(item.id)) for item in items]
    missing = [] if assessment and assessment.completed_at else rules.missing_required(items, answers)
    return AssessmentView(
        application_id=application.id,
        requested_cents=application.requested_cents,
        comment=assessment.comment if assessment else "",
        recommended_cents=assessment.recommended_cents if assessment else None,
        assessor_id=assessment.assessor_id if assessment else None,
        assessor_email=assessment.assessor_email if assessment else None,
        updated_at=assessment.updated_at if assessment else None,
        completed_at=assessment.completed_at if assessment else None,
        items=rows,
        missing=[item.text for item in missing],
    )


def _row(item: rules.Item, answer: AssessmentAnswer | None) -> dict[str, Any]:
    return {
        "item_id": item.id,
        "text": item.text,
        "required": item.required,
        "answer": answer.answer if answer else None,
        "note": answer.note if answer else "",
    }


def _items(session: Session, programme_id: str) -> list[rules.Item]:
    return [rules.Item(row.id, row.text, row.required) for row in _checklist(session, programme_id)]


# --- checklists per programme -----------------------------------------------------------------


def list_checklist(session: Session, actor: Actor, programme_id: str) -> list[ChecklistItem]:
    programmes.get_programme(session, actor, programme_id)
    return _checklist(session, programme_id)


def add_checklist_item(
    session: Session, actor: Actor, programme_id: str, data: dict[str, Any]
) -> ChecklistItem:
    _require_manager(actor)
    current = list_checklist(session, actor, programme_id)
    position = data.get("position")
    if position is None:
        position = max((item.position for item in current), default=-1) + 1
    item = ChecklistItem(
        programme_id=programme_id, text=data["text"], required=data.get("required", True), position=position
    )
    session.add(item)
    session.flush()
    return item


def change_checklist_item(
    session: Session, actor: Actor, programme_id: str, item_id: str, data: dict[str, Any]
) -> ChecklistItem:
    item = _item_to_manage(session, actor, programme_id, item_id)
    for name in ("text", "required", "position"):
        if data.get(name) is not None:
            setattr(item, name, data[name])
    return item


def retire_checklist_item(session: Session, actor: Actor, programme_id: str, item_id: str) -> None:
    _item_to_manage(session, actor, programme_id, item_id).retired_at = utcnow()


def _item_to_manage(session: Session, actor: Actor, programme_id: str, item_id: str) -> ChecklistItem:
    _require_manager(actor)
    programmes.get_programme(session, actor, programme_id)
    item = session.get(ChecklistItem, item_id)
    if item is None or item.programme_id != programme_id or item.retired_at is not None:
        raise NotFound("no such checklist item in this programme", field="item_id")
    return item


def _checklist(session: Session, programme_id: str) -> list[ChecklistItem]:
    query = select(ChecklistItem).where(
        ChecklistItem.programme_id == programme_id, ChecklistItem.retired_at.is_(None)
    )
    return list(session.scalars(query.order_by(ChecklistItem.position, ChecklistItem.created_at)))


def _require_manager(actor: Actor) -> None:
    if not actor.has_role(*rules.MANAGERS):
        raise Forbidden("only approvers and admins may change a programme's checklist")
