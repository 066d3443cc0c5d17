"""Proof of use (Verwendungsnachweis): due dates, reminders, plan against actual costs, settlement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.funding.domain import check_text_given
from shared.errors import Invalid

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_date(moment: date | datetime) -> date:
    """The calendar day in Europe/Berlin: deadlines are local days, not UTC instants."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(BERLIN).date()
    return moment


def due_on(project_end: date | datetime, due_days: int) -> date:
    """The last day the report may be submitted on."""
    return berlin_date(project_end) + timedelta(days=due_days)


def reminder_step(today: date, due: date, steps: Iterable[int], sent: Iterable[int]) -> int | None:
    """The reminder to send now: the tightest step already reached and not yet sent, else None.

    A beat that was down for a while sends one reminder, the closest one, not a burst of them.
    """
    days_left = (due - today).days
    if days_left < 0:
        return None
    reached = [step for step in steps if days_left <= step]
    if not reached:
        return None
    step = min(reached)
    return None if step in set(sent) else step


def is_overdue(today: date, due: date) -> bool:
    return today > due


@dataclass(frozen=True)
class Comparison:
    category: str
    planned_cents: int
    actual_cents: int

    @property
    def difference_cents(self) -> int:
        return self.actual_cents - self.planned_cents


def compare(planned: Iterable[tuple[str, int]], actual: Iterable[tuple[str, int]]) -> list[Comparison]:
    """Per category (plan order first, then categories only the report has): plan, actual, difference."""
    plan: dict[str, int] = {}
    for category, cents in planned:
        plan[category] = plan.get(category, 0) + cents
    spent = dict(actual)
    categories = [*plan, *(c for c in spent if c not in plan)]
    return [Comparison(c, plan.get(c, 0), spent.get(c, 0)) for c in categories]


def check_report(narrative: str, actual: list[tuple[str, int]]) -> None:
    check_text_given(narrative, "narrative")
    categories = [category for category, _ in actual]
    if not categories:
        raise Invalid({"actual_costs": ["give the actual costs of at least one category"]})
    if len(set(categories)) != len(categories):
        raise Invalid({"actual_costs": ["each category may appear only once"]})


@dataclass(frozen=True)
class Settlement:
    """What closing the case means in cents; see ``settle``."""

    funded_cents: int  # what the grant finally pays for
    returned_cents: int  # approved but not needed: back to the programme's available budget
    repayment_claim_cents: int  # paid out beyond what is funded: the organisation owes it back
    balance_due_cents: int  # funded but not yet paid out: the final payment still owed


def settle(approved: int, fundable: int, paid_out: int) -> Settlement:
    """``fundable``: what the programme's financing rule yields for the actual costs, own contribution
    and other funding (computed as the requested amount is for the plan, see ``domain.rules``).

    The grant pays that, never more than approved. Everything approved beyond it returns to the
    programme at once; money already paid out beyond it becomes a repayment claim.
    """
    funded = min(approved, max(0, fundable))
    return Settlement(
        funded_cents=funded,
        returned_cents=approved - funded,
        repayment_claim_cents=max(0, paid_out - funded),
        balance_due_cents=max(0, funded - paid_out),
    )
