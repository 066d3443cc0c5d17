"""Funding's pure rules: the transition table, four-eyes, and money in cents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding import domain
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

ROLES = ("applicant", "caseworker", "approver", "admin")
STATES = ("draft", "submitted", "recommended", "approved")


def actor(*roles: str, user_id: str = "u-1") -> Actor:
    return Actor(user_id=user_id, email="x@example.org", roles=roles)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(domain.TRANSITIONS))
@pytest.mark.parametrize("role", ROLES)
def test_every_state_action_and_role(state: str, action: str, role: str) -> None:
    step = domain.TRANSITIONS[action]
    if role != step.role:
        with pytest.raises(Forbidden):
            domain.transition(state, action, actor(role))
    elif state != step.source:
        with pytest.raises(Conflict) as caught:
            domain.transition(state, action, actor(role))
        assert caught.value.field == "state"
    else:
        assert domain.transition(state, action, actor(role)) == step.target


def test_approver_cannot_approve_own_recommendation() -> None:
    with pytest.raises(Forbidden, match="four-eyes"):
        domain.check_four_eyes("u-1", actor("caseworker", "approver", user_id="u-1"))


def test_a_different_approver_may_approve() -> None:
    domain.check_four_eyes("u-1", actor("approver", user_id="u-2"))


@given(
    costs=st.lists(st.integers(min_value=1, max_value=10**9), max_size=50),
    own=st.integers(min_value=0, max_value=10**10),
    other=st.integers(min_value=0, max_value=10**10),
)
def test_requested_amount_is_costs_minus_own_and_other_or_refused(
    costs: list[int], own: int, other: int
) -> None:
    if sum(costs) - own - other >= 0:
        requested = domain.requested_amount(costs, own, other)
        assert requested + own + other == sum(costs)
        assert isinstance(requested, int)
    else:
        with pytest.raises(Invalid) as caught:
            domain.requested_amount(costs, own, other)
        assert "own_contribution_cents" in caught.value.errors


@given(st.integers(min_value=0, max_value=10**12))
def test_euro_formatting_round_trips_to_the_same_cents(cents: int) -> None:
    text = domain.format_euro(cents)
    assert text.endswith(" €")
    euros, rest = text.removesuffix(" €").split(",")
    assert int(euros.replace(".", "")) * 100 + int(rest) == cents


def test_euro_formatting_uses_german_notation() -> None:
    assert domain.format_euro(123_456_78) == "123.456,78 €"
    assert domain.format_euro(5) == "0,05 €"


def test_submission_after_the_deadline_is_refused_with_a_clear_message() -> None:
    closes = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with pytest.raises(Conflict, match="closed") as caught:
        domain.check_call_open(closes, closes - timedelta(days=30), closes)
    assert caught.value.field == "call_id"


def test_submission_before_the_call_opens_is_refused() -> None:
    opens = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(Conflict, match="opens"):
        domain.check_call_open(opens - timedelta(seconds=1), opens, opens + timedelta(days=1))


def test_an_incomplete_application_names_every_missing_part() -> None:
    with pytest.raises(Invalid) as caught:
        domain.check_submittable(" ", [], 0, 1_000)
    assert set(caught.value.errors) == {"title", "cost_lines", "requested_cents"}


def test_requesting_more_than_the_programme_maximum_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        domain.check_submittable("Projekt", [300_000], 300_000, 250_000)
    assert "2.500,00 €" in caught.value.errors["requested_cents"][0]
