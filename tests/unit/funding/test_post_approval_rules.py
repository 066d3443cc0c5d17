"""Funding's rules after approval: the workflow's tail, payouts, due dates, reminders, settlement."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding import domain
from services.funding.domain import payouts, reports
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

# The whole transition table (every state × action × role) is checked in test_transition_table.
AFTER_APPROVAL_STATES = (
    "paying_out",
    "report_due",
    "report_overdue",
    "report_submitted",
    "report_changes_requested",
)


def actor(*roles: str, user_id: str = "u-1") -> Actor:
    return Actor(user_id=user_id, email="x@example.org", roles=roles)


@pytest.mark.parametrize("state", AFTER_APPROVAL_STATES)
def test_a_case_after_approval_can_no_longer_be_withdrawn(state: str) -> None:
    with pytest.raises(Conflict):
        domain.transition(state, "withdraw", actor("applicant"))


# --- payouts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [*domain.OPEN_STATES, "rejected", "withdrawn", "closed"])
def test_no_payout_outside_the_approved_life_of_a_case(state: str) -> None:
    with pytest.raises(Conflict):
        payouts.check_payable_state(state)


@given(
    approved=st.integers(min_value=0, max_value=10**9),
    bound=st.integers(min_value=0, max_value=10**9),
    amount=st.integers(min_value=1, max_value=10**9),
)
def test_a_payout_is_allowed_exactly_when_it_fits_into_what_is_left(
    approved: int, bound: int, amount: int
) -> None:
    fits = bound + amount <= approved
    try:
        payouts.check_within_approved(amount, bound, approved)
    except Invalid as refused:
        assert not fits and "amount_cents" in refused.errors
    else:
        assert fits


def test_the_requester_cannot_decide_their_own_payout() -> None:
    with pytest.raises(Forbidden, match="four-eyes"):
        payouts.check_decider(actor("approver", user_id="same"), "same")
    payouts.check_decider(actor("approver", user_id="other"), "same")


@pytest.mark.parametrize("role", ["applicant", "caseworker", "admin"])
def test_only_an_approver_decides_on_payouts(role: str) -> None:
    with pytest.raises(Forbidden):
        payouts.check_decider(actor(role), "someone")


# --- due dates and reminders --------------------------------------------------------------------


def test_the_due_date_counts_from_the_project_end_in_berlin_time() -> None:
    # 23:30 UTC on 31 March is already 1 April in Berlin (summer time).
    assert reports.due_on(datetime(2027, 3, 31, 23, 30, tzinfo=UTC), 180) == date(2027, 9, 28)
    assert reports.due_on(date(2027, 3, 31), 180) == date(2027, 9, 27)


@pytest.mark.parametrize(
    ("today", "sent", "expected"),
    [
        (date(2027, 8, 31), [], None),  # 29 days left: nothing yet
        (date(2027, 9, 1), [], 28),
        (date(2027, 9, 1), [28], None),  # once per step
        (date(2027, 9, 22), [28], 7),
        (date(2027, 9, 22), [], 7),  # beat was down: only the closest reminder, no burst
        (date(2027, 9, 29), [28, 7], None),  # the due day itself
        (date(2027, 9, 30), [], None),  # overdue, not a reminder
    ],
)
def test_the_reminder_step_is_the_closest_one_reached_and_not_yet_sent(
    today: date, sent: list[int], expected: int | None
) -> None:
    assert reports.reminder_step(today, date(2027, 9, 29), (28, 7), sent) == expected


def test_a_report_is_overdue_from_the_day_after_its_due_date() -> None:
    due = date(2027, 9, 29)
    assert not reports.is_overdue(due, due)
    assert reports.is_overdue(date(2027, 9, 30), due)


# --- the report ---------------------------------------------------------------------------------


def test_the_comparison_lists_plan_categories_first_and_adds_unplanned_ones() -> None:
    rows = reports.compare(
        [("personnel", 400_000), ("material", 20_000), ("personnel", 80_000)],
        [("material", 25_000), ("travel", 3_000), ("personnel", 430_000)],
    )
    assert [(r.category, r.planned_cents, r.actual_cents, r.difference_cents) for r in rows] == [
        ("personnel", 480_000, 430_000, -50_000),
        ("material", 20_000, 25_000, 5_000),
        ("travel", 0, 3_000, 3_000),
    ]


@pytest.mark.parametrize(
    ("narrative", "actual", "field"),
    [
        ("  ", [("personnel", 1)], "narrative"),
        ("Bericht", [], "actual_costs"),
        ("Bericht", [("personnel", 1), ("personnel", 2)], "actual_costs"),
    ],
)
def test_an_incomplete_report_is_refused_naming_the_field(narrative: str, actual: list, field: str) -> None:
    with pytest.raises(Invalid) as caught:
        reports.check_report(narrative, actual)
    assert field in caught.value.errors


def test_spending_less_returns_the_rest_and_claims_back_what_was_paid_too_much() -> None:
    settled = reports.settle(approved=400_000, fundable=355_000, paid_out=400_000)
    assert settled == reports.Settlement(
        funded_cents=355_000, returned_cents=45_000, repayment_claim_cents=45_000, balance_due_cents=0
    )


def test_spending_more_than_planned_never_raises_the_grant() -> None:
    settled = reports.settle(approved=400_000, fundable=850_000, paid_out=100_000)
    assert (settled.funded_cents, settled.returned_cents, settled.balance_due_cents) == (400_000, 0, 300_000)


def test_nothing_fundable_returns_everything_and_claims_back_all_payouts() -> None:
    settled = reports.settle(approved=400_000, fundable=-20_000, paid_out=150_000)
    assert settled == reports.Settlement(0, 400_000, 150_000, 0)


@given(
    approved=st.integers(min_value=0, max_value=10**9),
    fundable=st.integers(min_value=-(10**9), max_value=10**9),
    paid_share=st.fractions(min_value=0, max_value=1),
)
def test_settlement_arithmetic_holds_for_any_amounts(
    approved: int, fundable: int, paid_share: object
) -> None:
    paid_out = int(approved * paid_share)  # never more than approved, as the payout rules ensure
    s = reports.settle(approved, fundable, paid_out)
    assert 0 <= s.funded_cents <= approved
    assert s.funded_cents <= max(0, fundable)
    assert s.funded_cents + s.returned_cents == approved
    assert paid_out - s.repayment_claim_cents + s.balance_due_cents == s.funded_cents
    assert min(s.repayment_claim_cents, s.balance_due_cents) == 0
    assert all(isinstance(v, int) for v in vars(s).values())
