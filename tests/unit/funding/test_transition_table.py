"""Every state × action × role of the funding workflow against a table written out by hand.

The cases are generated from ``domain.STATES`` and ``domain.TRANSITIONS`` united with the expectation
below, so a state or action added to the domain without an expectation here fails, and so does one
expected here but missing from the domain.
"""

from __future__ import annotations

import itertools

import pytest

from services.funding import domain
from shared.auth import Actor
from shared.errors import Conflict, Forbidden

ROLES = ("applicant", "caseworker", "approver", "admin", "system")

# The state diagram of the funding issue, written per state: which action leads where from here.
ALLOWED: dict[str, dict[str, str]] = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"start_review": "in_review", "recommend": "recommended", "withdraw": "withdrawn"},
    "in_review": {
        "request_changes": "changes_requested",
        "recommend": "recommended",
        "reject": "rejected",
        "withdraw": "withdrawn",
    },
    "changes_requested": {"resubmit": "in_review", "withdraw": "withdrawn"},
    "recommended": {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"},
    "approved": {"start_payouts": "paying_out", "open_report": "report_due"},
    "paying_out": {"open_report": "report_due"},
    "report_due": {"submit_report": "report_submitted", "mark_overdue": "report_overdue"},
    "report_overdue": {"submit_report": "report_submitted"},
    "report_submitted": {"request_report_changes": "report_changes_requested", "accept_report": "closed"},
    "report_changes_requested": {"submit_report": "report_submitted"},
    "rejected": {},
    "withdrawn": {},
    "closed": {},
}
# Who may take each action: applicants act for their organisation, caseworkers review, approvers decide
# (four-eyes), beat moves deadlines as "system"; admins administer and take no workflow action.
ACTION_ROLE: dict[str, str] = {
    "submit": "applicant",
    "resubmit": "applicant",
    "withdraw": "applicant",
    "submit_report": "applicant",
    "start_review": "caseworker",
    "request_changes": "caseworker",
    "recommend": "caseworker",
    "request_report_changes": "caseworker",
    "accept_report": "caseworker",
    "approve": "approver",
    "reject": "approver",
    "start_payouts": "approver",
    "open_report": "system",
    "mark_overdue": "system",
}

STATES = sorted(set(domain.STATES) | set(ALLOWED))
ACTIONS = sorted(set(domain.TRANSITIONS) | set(ACTION_ROLE))
CASES = list(itertools.product(STATES, ACTIONS, ROLES))


def actor(*roles: str) -> Actor:
    return Actor(user_id="u-1", email="sachbearbeitung@ki.example", roles=roles)


def test_the_domain_knows_exactly_the_expected_states_and_actions() -> None:
    assert set(domain.STATES) == set(ALLOWED)
    assert set(domain.TRANSITIONS) == set(ACTION_ROLE)


def test_every_target_of_the_expectation_is_a_state() -> None:
    targets = {target for moves in ALLOWED.values() for target in moves.values()}
    assert targets <= set(ALLOWED)
    assert {action for moves in ALLOWED.values() for action in moves} == set(ACTION_ROLE)


@pytest.mark.parametrize(("state", "action", "role"), CASES)
def test_transition(state: str, action: str, role: str) -> None:
    assert state in ALLOWED, f"no expectation written for the state {state!r}"
    assert action in ACTION_ROLE, f"no expectation written for the action {action!r}"
    assert action in domain.TRANSITIONS, f"the domain has no action {action!r}"
    if role != ACTION_ROLE[action]:
        with pytest.raises(Forbidden) as refused:
            domain.transition(state, action, actor(role))
        assert repr(ACTION_ROLE[action]) in refused.value.message
    elif action not in ALLOWED[state]:
        with pytest.raises(Conflict) as conflict:
            domain.transition(state, action, actor(role))
        assert conflict.value.field == "state"
        assert repr(state) in conflict.value.message
    else:
        assert domain.transition(state, action, actor(role)) == ALLOWED[state][action]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_person_without_a_role_may_take_no_action(action: str) -> None:
    for state in STATES:
        with pytest.raises(Forbidden):
            domain.transition(state, action, actor())


@pytest.mark.parametrize("action", ACTIONS)
def test_a_person_holding_every_role_is_still_bound_to_the_state(action: str) -> None:
    for state in STATES:
        if action in ALLOWED[state]:
            assert domain.transition(state, action, actor(*ROLES)) == ALLOWED[state][action]
        else:
            with pytest.raises(Conflict):
                domain.transition(state, action, actor(*ROLES))


@pytest.mark.parametrize("state", ["rejected", "withdrawn", "closed"])
def test_a_finished_case_takes_no_action_at_all(state: str) -> None:
    for action in ACTIONS:
        with pytest.raises(Conflict):
            domain.transition(state, action, actor(*ROLES))


def test_a_wrong_role_is_refused_before_the_state_is_looked_at() -> None:
    # An applicant learns nothing about the case's state from trying a staff action.
    with pytest.raises(Forbidden):
        domain.transition("draft", "approve", actor("applicant"))
