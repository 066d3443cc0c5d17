"""Proof of use (Verwendungsnachweis): the organisation reports, a caseworker reviews and closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from services.funding import domain
from services.funding.domain import reports as report_rules
from services.funding.domain import rules as financing
from services.funding.models import Application, ProgrammeBudget, outbox
from services.funding.models.reports import ActualCost, ProofOfUse
from services.funding.services import payouts, workflow
from services.funding.services.programmes import programme_rules
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict


@dataclass(frozen=True)
class ReportView:
    """The report as the portal shows it: the stored report (if any) and plan against actual costs."""

    application: Application
    due_on: date
    report: ProofOfUse | None
    comparison: list[report_rules.Comparison]


def project_end(application: Application) -> date | datetime | None:
    """The project's last day; an application without one (from before dates were asked) has its
    decision date stand in."""
    return application.end_date or application.decided_at


def report_view(session: Session, application_id: str, actor: Actor, due_days: int) -> ReportView:
    application = workflow.get_application(session, application_id, actor)
    if application.decided_at is None or application.state not in (*domain.AFTER_APPROVAL, "closed"):
        raise Conflict("only an approved application has a proof of use", field="state")
    report = session.get(ProofOfUse, application.id)
    due = report.due_on if report else report_rules.due_on(project_end(application), due_days)
    return ReportView(application, due, report, _comparison(application, report))


def submit_report(
    session: Session,
    application_id: str,
    actor: Actor,
    narrative: str,
    actual_costs: list[dict[str, Any]],
    own_contribution_cents: int | None = None,
    other_funding_cents: int | None = None,
) -> ProofOfUse:
    application, target = workflow.load_for(session, application_id, actor, "submit_report")
    actual = [(line["category"], line["amount_cents"]) for line in actual_costs]
    report_rules.check_report(narrative, actual)
    report = session.get(ProofOfUse, application.id)
    own, other = own_contribution_cents, other_funding_cents
    report.own_contribution_cents = application.own_contribution_cents if own is None else own
    report.other_funding_cents = application.other_funding_cents if other is None else other
    report.narrative, report.submitted_by, report.submitted_at = narrative, actor.user_id, utcnow()
    report.actual_costs = [
        ActualCost(position=i, category=c, amount_cents=a) for i, (c, a) in enumerate(actual)
    ]
    report.submissions += 1
    workflow.move(session, application, actor, "submit_report", target)
    event = {"submission": report.submissions, "actual_total_cents": _actual_total(report)}
    event |= {"submitted_by": actor.user_id, "submitted_at": report.submitted_at.isoformat()}
    outbox.record(session, "funding.report.submitted", 1, {**payouts.case_event(application), **event})
    return report


def request_report_changes(session: Session, application_id: str, actor: Actor, comment: str) -> ProofOfUse:
    application, target = workflow.load_for(session, application_id, actor, "request_report_changes")
    domain.check_text_given(comment, "comment")
    report = session.get(ProofOfUse, application.id)
    report.review_comment = comment
    workflow.move(session, application, actor, "request_report_changes", target, comment)
    event = {"comment": comment, "requested_by": actor.user_id, "requested_at": utcnow().isoformat()}
    outbox.record(
        session, "funding.report.changes_requested", 1, {**payouts.case_event(application), **event}
    )
    return report


def accept_report(session: Session, application_id: str, actor: Actor, comment: str) -> ProofOfUse:
    application, target = workflow.load_for(session, application_id, actor, "accept_report")
    if payouts.has_pending(session, application.id):
        raise Conflict("decide the pending payout requests before closing the case", field="payouts")
    report = session.get(ProofOfUse, application.id)
    settlement = report_rules.settle(
        application.approved_cents or 0, _fundable(application, report), application.paid_out_cents
    )
    _return_to_programme(session, application, settlement.returned_cents)
    _record_settlement(report, settlement, actor)
    workflow.move(session, application, actor, "accept_report", target, comment)
    outbox.record(session, "funding.report.accepted", 1, _accepted_event(application, report))
    return report


def _return_to_programme(session: Session, application: Application, returned: int) -> None:
    """Unspent money leaves committed and counts as returned, in the caller's one transaction."""
    budget = ProgrammeBudget
    session.execute(
        update(budget)
        .where(
            budget.programme_id == application.call.programme_id, budget.year == application.call.budget_year
        )
        .values(
            committed_cents=budget.committed_cents - returned, returned_cents=budget.returned_cents + returned
        )
        .execution_options(synchronize_session=False)
    )
    application.returned_cents = returned


def _record_settlement(report: ProofOfUse, settlement: report_rules.Settlement, actor: Actor) -> None:
    report.funded_cents = settlement.funded_cents
    report.returned_cents = settlement.returned_cents
    report.repayment_claim_cents = settlement.repayment_claim_cents
    report.balance_due_cents = settlement.balance_due_cents
    report.accepted_by, report.accepted_at = actor.user_id, utcnow()


def _accepted_event(application: Application, report: ProofOfUse) -> dict[str, Any]:
    return {
        **payouts.case_event(application),
        "budget_year": application.call.budget_year,
        "approved_cents": application.approved_cents,
        "paid_out_cents": application.paid_out_cents,
        "funded_cents": report.funded_cents,
        "returned_cents": report.returned_cents,
        "repayment_claim_cents": report.repayment_claim_cents,
        "balance_due_cents": report.balance_due_cents,
        "accepted_by": report.accepted_by,
        "accepted_at": report.accepted_at.isoformat(),
    }


def _fundable(application: Application, report: ProofOfUse) -> int:
    """The programme's financing rule applied to what the project actually cost and received."""
    actual = financing.Plan(
        lines=tuple(financing.Line(line.category, line.amount_cents) for line in report.actual_costs),
        own_cents=report.own_contribution_cents,
        volunteer_hours=application.volunteer_hours or 0,
        other_cents=report.other_funding_cents,
    )
    return financing.requested_amount(actual, programme_rules(application.call.programme))


def _actual_total(report: ProofOfUse) -> int:
    return sum(line.amount_cents for line in report.actual_costs)


def _comparison(application: Application, report: ProofOfUse | None) -> list[report_rules.Comparison]:
    planned = [(line.category, line.amount_cents) for line in application.cost_lines]
    actual = [(line.category, line.amount_cents) for line in report.actual_costs] if report else []
    return report_rules.compare(planned, actual)
