"""Beat's proof-of-use duties: open reports when projects end, remind before the due date, mark overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.funding import domain
from services.funding.domain import reports as rules
from services.funding.models import Application, outbox
from services.funding.models.reports import ProofOfUse, ReportReminder
from services.funding.services import payouts, workflow
from services.funding.services.reports import project_end
from shared.auth import Actor

# Who the audit trail names for beat's transitions.
SYSTEM = Actor(user_id="00000000-0000-0000-0000-000000000000", email="", roles=(domain.SYSTEM_ROLE,))


@dataclass(frozen=True)
class Summary:
    opened: int
    reminded: int
    overdue: int


def run(session: Session, now: datetime, due_days: int, reminder_days: Iterable[int]) -> Summary:
    """One beat pass; each step happens once per application, however often beat runs."""
    today = rules.berlin_date(now)
    opened = sum(
        _open_if_ended(session, a, today, due_days) for a in _in_states(session, "approved", "paying_out")
    )
    reminded = overdue = 0
    for application in _in_states(session, "report_due"):
        report = session.get(ProofOfUse, application.id)
        if rules.is_overdue(today, report.due_on):
            overdue += _mark_overdue(session, application, report, now)
        else:
            reminded += _remind(session, application, report.due_on, today, tuple(reminder_days))
    return Summary(opened, reminded, overdue)


def _in_states(session: Session, *states: str) -> list[Application]:
    # Locked (PostgreSQL) so a second beat pass cannot step the same case at the same time.
    query = select(Application).where(Application.state.in_(states)).order_by(Application.id)
    return list(session.scalars(query.with_for_update()))


def _open_if_ended(session: Session, application: Application, today: date, due_days: int) -> bool:
    end = project_end(application)
    if end is None or today <= rules.berlin_date(end):
        return False
    report = ProofOfUse(application_id=application.id, due_on=rules.due_on(end, due_days))
    session.add(report)
    _move(session, application, "open_report")
    _report_due(session, application, report.due_on, None)
    return True


def _remind(
    session: Session, application: Application, due: date, today: date, steps: tuple[int, ...]
) -> bool:
    sent = session.scalars(
        select(ReportReminder.days_before).where(ReportReminder.application_id == application.id)
    )
    step = rules.reminder_step(today, due, steps, list(sent))
    if step is None:
        return False
    session.add(ReportReminder(application_id=application.id, days_before=step))
    _report_due(session, application, due, step)
    return True


def _mark_overdue(session: Session, application: Application, report: ProofOfUse, now: datetime) -> bool:
    _move(session, application, "mark_overdue")
    report.overdue_at = now
    event = {
        **payouts.case_event(application),
        "due_on": report.due_on.isoformat(),
        "marked_at": now.isoformat(),
    }
    outbox.record(session, "funding.report.overdue", 1, event)
    return True


def _move(session: Session, application: Application, action: str) -> None:
    target = domain.transition(application.state, action, SYSTEM)
    workflow.move(session, application, SYSTEM, action, target)


def _report_due(session: Session, application: Application, due: date, days_before: int | None) -> None:
    event = {**payouts.case_event(application), "due_on": due.isoformat(), "days_before": days_before}
    outbox.record(session, "funding.report.due", 1, event)
