"""Funding's pure rules: the transition table, four-eyes, and money in cents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding import domain
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

# The whole transition table (every state × action × role) is checked in test_transition_table.


def actor(*roles: str, user_id: str = "u-1") -> Actor:
    return Actor(user_id=user_id, email="x@example.org", roles=roles)


def test_the_existing_conflict_messages_are_unchanged() -> None:
    with pytest.raises(Conflict) as caught:
        domain.transition("draft", "approve", actor("approver"))
    assert caught.value.message == (
        "an application in state 'draft' cannot be approved; it must be 'recommended'"
    )


def test_a_conflict_with_several_source_states_names_them_all() -> None:
    with pytest.raises(Conflict, match="one of 'in_review', 'recommended'"):
        domain.transition("submitted", "reject", actor("approver"))


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_a_blank_comment_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        domain.check_text_given(text, "comment")
    assert "comment" in caught.value.errors


@pytest.mark.parametrize("reasons", [[], [""], ["passt nicht", "  "]])
def test_a_rejection_needs_at_least_one_non_empty_reason(reasons: list[str]) -> None:
    with pytest.raises(Invalid) as caught:
        domain.check_reasons(reasons)
    assert "reasons" in caught.value.errors


# --- the audit trail's hash chain ---------------------------------------------------------------


def chain(*comments: str) -> list[domain.AuditRecord]:
    """A correctly linked trail, one entry per comment."""
    records, previous = [], domain.GENESIS_HASH
    for number, comment in enumerate(comments, start=1):
        fields = {
            "application_id": "app-1",
            "actor_id": f"u-{number}",
            "action": "request_changes",
            "from_state": "in_review",
            "to_state": "changes_requested",
            "comment": comment,
            "at": f"2026-11-22T10:0{number}:00+00:00",
        }
        entry_hash = domain.audit_hash(fields, previous)
        records.append(domain.AuditRecord(number, fields, previous, entry_hash))
        previous = entry_hash
    return records


def test_an_untouched_chain_verifies() -> None:
    assert domain.first_broken(chain("a", "b", "c")) is None
    assert domain.first_broken([]) is None


def test_the_hash_is_a_sha256_over_canonical_json_and_ignores_key_order() -> None:
    fields = chain("a")[0].fields
    reordered = dict(reversed(list(fields.items())))
    digest = domain.audit_hash(fields, domain.GENESIS_HASH)
    assert digest == domain.audit_hash(reordered, domain.GENESIS_HASH)
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_a_changed_comment_breaks_verification_at_that_entry() -> None:
    records = chain("a", "b", "c")
    edited = records[1]
    records[1] = domain.AuditRecord(
        edited.id, {**edited.fields, "comment": "b!"}, edited.previous_hash, edited.entry_hash
    )
    assert domain.first_broken(records) == 2


@pytest.mark.parametrize("field", domain.HASHED_FIELDS)
def test_changing_any_hashed_field_breaks_verification(field: str) -> None:
    records = chain("a", "b")
    first = records[0]
    records[0] = domain.AuditRecord(
        first.id, {**first.fields, field: "x"}, first.previous_hash, first.entry_hash
    )
    assert domain.first_broken(records) == 1


def test_reordered_entries_break_verification() -> None:
    a, b, c = chain("a", "b", "c")
    assert domain.first_broken([a, c, b]) == 3


def test_a_removed_entry_breaks_verification_at_the_next_one() -> None:
    a, _b, c = chain("a", "b", "c")
    assert domain.first_broken([a, c]) == 3


def test_a_rehashed_edit_still_breaks_the_link_of_the_following_entry() -> None:
    records = chain("a", "b", "c")
    edited = records[1]
    fields = {**edited.fields, "comment": "b!"}
    records[1] = domain.AuditRecord(
        edited.id, fields, edited.previous_hash, domain.audit_hash(fields, edited.previous_hash)
    )
    assert domain.first_broken(records) == 3


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
