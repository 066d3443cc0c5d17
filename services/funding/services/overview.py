"""The budget overview per programme and year, and each organisation's funding history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.funding import domain
from services.funding.models import Application, Call, EligibleOrganization, Programme, ProgrammeBudget
from shared.auth import Actor
from shared.errors import Forbidden, NotFound


@dataclass(frozen=True)
class BudgetLine:
    """One programme's year: the ledger in cents and how many applications are in which state."""

    programme_id: str
    programme_name: str
    year: int
    budget_cents: int
    committed_cents: int
    paid_out_cents: int
    returned_cents: int
    applications_by_state: dict[str, int]

    @property
    def available_cents(self) -> int:
        return self.budget_cents - self.committed_cents


@dataclass(frozen=True)
class HistoryLine:
    application_id: str
    title: str
    programme_name: str
    call_title: str
    year: int
    state: str
    requested_cents: int
    approved_cents: int | None
    paid_out_cents: int
    returned_cents: int
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class FundingHistory:
    organization_id: str
    organization_name: str | None
    applications: list[HistoryLine] = field(default_factory=list)

    @property
    def approved_cents(self) -> int:
        return sum(line.approved_cents or 0 for line in self.applications)

    @property
    def paid_out_cents(self) -> int:
        return sum(line.paid_out_cents for line in self.applications)

    @property
    def returned_cents(self) -> int:
        return sum(line.returned_cents for line in self.applications)


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden("only KI staff may see the budget overview")


def budget_overview(
    session: Session, actor: Actor, year: int | None = None, programme_id: str | None = None
) -> list[BudgetLine]:
    """Every programme's budget per year (newest year first), optionally one year or programme."""
    require_staff(actor)
    query = select(ProgrammeBudget, Programme.name).join(Programme)
    if year is not None:
        query = query.where(ProgrammeBudget.year == year)
    if programme_id is not None:
        query = query.where(ProgrammeBudget.programme_id == programme_id)
    rows = session.execute(query.order_by(ProgrammeBudget.year.desc(), Programme.name)).all()
    counts = _state_counts(session, year, programme_id)
    return [_budget_line(budget, name, counts) for budget, name in rows]


def _budget_line(budget: ProgrammeBudget, name: str, counts: dict[tuple[str, int, str], int]) -> BudgetLine:
    # Every known state is listed, so a reader sees a zero rather than a missing key.
    by_state = {state: counts.get((budget.programme_id, budget.year, state), 0) for state in domain.STATES}
    return BudgetLine(
        programme_id=budget.programme_id,
        programme_name=name,
        year=budget.year,
        budget_cents=budget.budget_cents,
        committed_cents=budget.committed_cents,
        paid_out_cents=budget.paid_out_cents,
        returned_cents=budget.returned_cents,
        applications_by_state=by_state,
    )


def _state_counts(
    session: Session, year: int | None, programme_id: str | None
) -> dict[tuple[str, int, str], int]:
    query = (
        select(Call.programme_id, Call.budget_year, Application.state, func.count())
        .join(Application.call)
        .group_by(Call.programme_id, Call.budget_year, Application.state)
    )
    if year is not None:
        query = query.where(Call.budget_year == year)
    if programme_id is not None:
        query = query.where(Call.programme_id == programme_id)
    return {(programme, year_, state): count for programme, year_, state, count in session.execute(query)}


def funding_history(session: Session, actor: Actor, organization_id: str) -> FundingHistory:
    """All applications of one organisation, newest first: for staff and the organisation's members."""
    if not (actor.is_staff or organization_id in actor.organization_ids):
        # Like an application of another organisation: indistinguishable from one that does not exist.
        raise NotFound("no such organisation")
    query = (
        select(Application, Call.title, Call.budget_year, Programme.name)
        .join(Application.call)
        .join(Call.programme)
        .where(Application.organization_id == organization_id)
        .order_by(Application.created_at.desc(), Application.id)
    )
    lines = [_history_line(*row) for row in session.execute(query)]
    organization = session.get(EligibleOrganization, organization_id)
    return FundingHistory(organization_id, organization.name if organization else None, lines)


def _history_line(application: Application, call_title: str, year: int, programme_name: str) -> HistoryLine:
    return HistoryLine(
        application_id=application.id,
        title=application.title,
        programme_name=programme_name,
        call_title=call_title,
        year=year,
        state=application.state,
        requested_cents=application.requested_cents,
        approved_cents=application.approved_cents,
        paid_out_cents=application.paid_out_cents,
        returned_cents=application.returned_cents,
        created_at=application.created_at,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
    )
