"""Applicants' use cases: drafts, submission, resubmission, withdrawal; lists; budget plan versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.funding import domain, events
from services.funding.domain import rules
from services.funding.models import (
    Application,
    Call,
    CostLine,
    outbox,
)
from services.funding.models.applications import BudgetVersion
from services.funding.services import programmes, workflow
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.paging import Page, page_of

CONTENT = (
    "title",
    "summary",
    "goals",
    "target_groups",
    "district",
    "start_date",
    "end_date",
    "languages",
    "own_contribution_cents",
    "volunteer_hours",
    "other_funding_cents",
)
EDITABLE = ("draft", "changes_requested")
TOTALS = (
    "total_cost_cents",
    "own_contribution_cents",
    "volunteer_value_cents",
    "other_funding_cents",
    "requested_cents",
)


def create_application(session: Session, actor: Actor, data: dict[str, Any]) -> Application:
    if not actor.has_role("applicant"):
        raise Forbidden("only applicants create applications")
    if data["organization_id"] not in actor.organization_ids:
        raise Forbidden("you may apply only for an organisation you belong to", field="organization_id")
    call = programmes.get_call(session, actor, data["call_id"])  # a draft call is none to applicants
    application = Application(
        call=call, call_id=call.id, organization_id=data["organization_id"], created_by=actor.user_id
    )
    _apply(application, {"cost_lines": [], **data})
    session.add(application)
    session.flush()
    return application


def update_application(
    session: Session, application_id: str, actor: Actor, data: dict[str, Any]
) -> Application:
    """A member of the applying organisation edits while the draft is theirs to change."""
    application = workflow.get_application(session, application_id, actor, for_update=True)
    if not actor.has_role("applicant") or application.organization_id not in actor.organization_ids:
        raise Forbidden("only a member of the applying organisation may change its application")
    if application.state not in EDITABLE:
        raise Conflict(
            f"an application in state {application.state!r} cannot be changed; "
            "only drafts and applications sent back for changes can",
            field="state",
        )
    _apply(application, data)
    dates = rules.date_errors(application.start_date, application.end_date)
    if dates:
        raise Invalid(dates)
    session.flush()
    return application


def list_applications(
    session: Session, actor: Actor, filters: dict[str, Any] | None = None
) -> Page[Application]:
    """One page of what the actor may see (staff all, applicants their organisations'), newest first."""
    filters = filters or {}
    query = select(Application)
    if not actor.is_staff:
        query = query.where(Application.organization_id.in_(actor.organization_ids))
    query = _filtered(query, filters)
    ordered = query.order_by(Application.created_at.desc(), Application.id)
    return page_of(session, ordered, filters.get("page", 1), filters.get("per_page", 20))


def _filtered(query: Select[tuple[Application]], filters: dict[str, Any]) -> Select[tuple[Application]]:
    for name in ("state", "call_id", "organization_id", "district"):
        if filters.get(name) is not None:
            query = query.where(getattr(Application, name) == str(filters[name]))
    if filters.get("programme_id") is not None:
        query = query.join(Call).where(Call.programme_id == str(filters["programme_id"]))
    return query


def submit_application(session: Session, application_id: str, actor: Actor) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "submit")
    workflow.check_eligible(session, application)
    now = utcnow()
    call = application.call
    domain.check_call_open(now, call.opens_at, call.closes_at, call.title)
    _check_complete(application)
    application.submitted_at = now
    workflow.move(session, application, actor, "submit", target)
    _keep_budget_version(session, application, actor, "submit")
    outbox.record(session, "funding.application.submitted", 1, events.application_submitted(application))
    return application


def resubmit_application(session: Session, application_id: str, actor: Actor, comment: str) -> Application:
    application, target = workflow.load_for(session, application_id, actor, "resubmit")
    workflow.check_eligible(session, application)
    _check_complete(application)
    workflow.move(session, application, actor, "resubmit", target, comment)
    _keep_budget_version(session, application, actor, "resubmit")
    payload = events.application_resubmitted(application, comment, actor.user_id)
    outbox.record(session, "funding.application.resubmitted", 1, payload)
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


# --- budget plan versions ----------------------------------------------------------------------


def budget_versions(session: Session, application_id: str, actor: Actor) -> list[BudgetVersion]:
    """Each submitted budget plan, oldest first: for staff and the applying organisation."""
    workflow.get_application(session, application_id, actor)
    query = select(BudgetVersion).where(BudgetVersion.application_id == application_id)
    return list(session.scalars(query.order_by(BudgetVersion.number)))


def compare_budget_versions(
    session: Session, application_id: str, actor: Actor, from_number: int, to_number: int
) -> dict[str, Any]:
    versions = {version.number: version for version in budget_versions(session, application_id, actor)}
    for field, number in (("from", from_number), ("to", to_number)):
        if number not in versions:
            raise NotFound(f"the application has no budget plan version {number}", field=field)
    before, after = versions[from_number], versions[to_number]
    return {
        "from_number": from_number,
        "to_number": to_number,
        "lines": rules.compare_lines(before.cost_lines, after.cost_lines),
        "categories": rules.compare_categories(before.cost_lines, after.cost_lines),
        "totals": {
            name: rules.cents_difference(getattr(before, name), getattr(after, name)) for name in TOTALS
        },
    }


def _keep_budget_version(session: Session, application: Application, actor: Actor, action: str) -> None:
    last = select(func.max(BudgetVersion.number)).where(BudgetVersion.application_id == application.id)
    plan, programme_rules = _plan(application), _rules(application)
    session.add(
        BudgetVersion(
            application_id=application.id,
            number=(session.scalar(last) or 0) + 1,
            action=action,
            created_by=actor.user_id,
            created_at=utcnow(),
            cost_lines=[_line(line) for line in application.cost_lines],
            total_cost_cents=plan.total_cents,
            own_contribution_cents=plan.own_cents,
            volunteer_hours=plan.volunteer_hours,
            volunteer_value_cents=rules.volunteer_value(plan.volunteer_hours, programme_rules),
            other_funding_cents=plan.other_cents,
            requested_cents=application.requested_cents,
        )
    )


# --- content and rules -------------------------------------------------------------------------


def _apply(application: Application, data: dict[str, Any]) -> None:
    for name in CONTENT:
        if name in data:
            setattr(application, name, data[name])
    if "cost_lines" in data:
        application.cost_lines = [CostLine(position=i, **line) for i, line in enumerate(data["cost_lines"])]
    # The over-financing check names the field at once; the programme's rules wait for submission.
    domain.requested_amount(
        [line.amount_cents for line in application.cost_lines],
        application.own_contribution_cents or 0,
        application.other_funding_cents or 0,
    )
    application.requested_cents = rules.requested_amount(_plan(application), _rules(application))


def _check_complete(application: Application) -> None:
    """Every missing part and violated rule at once; the requested amount recomputed under today's rules."""
    plan, programme_rules = _plan(application), _rules(application)
    application.requested_cents = rules.requested_amount(plan, programme_rules)
    found = rules.merge(
        rules.missing(_content(application)),
        rules.violations(plan, programme_rules),
        rules.district_errors(application.district, list(application.call.districts or ())),
    )
    domain.check_submittable(
        application.title,
        [line.amount_cents for line in application.cost_lines],
        application.requested_cents,
        programme_rules.max_amount_cents,
        found,
    )


def _rules(application: Application) -> rules.Rules:
    return programmes.programme_rules(application.call.programme)


def _plan(application: Application) -> rules.Plan:
    return rules.Plan(
        lines=tuple(
            rules.Line(line.category, line.amount_cents, line.description) for line in application.cost_lines
        ),
        own_cents=application.own_contribution_cents or 0,
        volunteer_hours=application.volunteer_hours or 0,
        other_cents=application.other_funding_cents or 0,
    )


def _content(application: Application) -> rules.Content:
    return rules.Content(
        title=application.title or "",
        summary=application.summary or "",
        goals=application.goals or "",
        district=application.district or "",
        start_date=application.start_date,
        end_date=application.end_date,
        target_groups=tuple(application.target_groups or ()),
        languages=tuple(application.languages or ()),
        cost_line_count=len(application.cost_lines),
    )


def _line(line: CostLine) -> dict[str, Any]:
    return {"category": line.category, "description": line.description, "amount_cents": line.amount_cents}
