"""Funding's rules as pure functions: the workflow table, four-eyes, money in cents."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from services.funding.domain import rules
from services.funding.domain.rules import format_euro
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

OPEN_STATES = ("draft", "submitted", "in_review", "changes_requested", "recommended")
# After approval: payouts, then the proof of use (Verwendungsnachweis) until the case is closed.
AFTER_APPROVAL = (
    "approved",
    "paying_out",
    "report_due",
    "report_overdue",
    "report_submitted",
    "report_changes_requested",
)
STATES = (*OPEN_STATES, *AFTER_APPROVAL, "rejected", "withdrawn", "closed")
# Beat's reminders act as this role; no token ever carries it.
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    role: str
    done: str  # past participle for messages: "cannot be approved"


# The one transition table. Two choices worth knowing:
# - resubmit returns to in_review: the caseworker who asked for changes keeps the case, so no
#   second start_review is needed;
# - recommend is also allowed straight from submitted (the short path the portal had before
#   in_review existed); reject is the approver's alone, from in_review or recommended.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(("draft",), "submitted", "applicant", "submitted"),
    "start_review": Transition(("submitted",), "in_review", "caseworker", "taken into review"),
    "request_changes": Transition(("in_review",), "changes_requested", "caseworker", "sent back for changes"),
    "resubmit": Transition(("changes_requested",), "in_review", "applicant", "resubmitted"),
    "recommend": Transition(("submitted", "in_review"), "recommended", "caseworker", "recommended"),
    "approve": Transition(("recommended",), "approved", "approver", "approved"),
    "reject": Transition(("in_review", "recommended"), "rejected", "approver", "rejected"),
    "withdraw": Transition(OPEN_STATES, "withdrawn", "applicant", "withdrawn"),
    # After approval (see domain.payouts and domain.reports). start_payouts is taken by the first
    # approved payout; later payouts leave the state alone. open_report and mark_overdue are beat's,
    # from the project's end and the report's due date.
    "start_payouts": Transition(("approved",), "paying_out", "approver", "paid out"),
    "open_report": Transition(("approved", "paying_out"), "report_due", SYSTEM_ROLE, "asked for its report"),
    "mark_overdue": Transition(("report_due",), "report_overdue", SYSTEM_ROLE, "marked overdue"),
    "submit_report": Transition(
        ("report_due", "report_overdue", "report_changes_requested"),
        "report_submitted",
        "applicant",
        "reported on",
    ),
    "request_report_changes": Transition(
        ("report_submitted",), "report_changes_requested", "caseworker", "sent back for report changes"
    ),
    "accept_report": Transition(("report_submitted",), "closed", "caseworker", "closed"),
}


def transition(state: str, action: str, actor: Actor) -> str:
    """The state after ``action``, or the reason the actor may not take it now."""
    step = TRANSITIONS[action]
    if not actor.has_role(step.role):
        raise Forbidden(f"only the role {step.role!r} may {action} an application")
    if state not in step.source:
        raise Conflict(
            f"an application in state {state!r} cannot be {step.done}; it must be {_one_of(step.source)}",
            field="state",
        )
    return step.target


def _one_of(states: tuple[str, ...]) -> str:
    quoted = [repr(state) for state in states]
    return quoted[0] if len(quoted) == 1 else "one of " + ", ".join(quoted)


def check_text_given(value: str, field: str) -> None:
    """A comment or reason that is only whitespace is no comment at all."""
    if not value.strip():
        raise Invalid({field: ["must not be empty"]})


def check_reasons(reasons: list[str]) -> None:
    if not reasons or any(not reason.strip() for reason in reasons):
        raise Invalid({"reasons": ["give at least one reason, none of them empty"]})


# --- the audit trail's hash chain ---------------------------------------------------------------

GENESIS_HASH = "0" * 64
HASHED_FIELDS = ("application_id", "actor_id", "action", "from_state", "to_state", "comment", "at")


@dataclass(frozen=True)
class AuditRecord:
    """One audit entry as stored: its id, the hashed fields, and the two hashes."""

    id: int
    fields: dict[str, str]
    previous_hash: str
    entry_hash: str


def audit_hash(fields: dict[str, str], previous_hash: str) -> str:
    """sha256 over canonical JSON (sorted keys, no spaces) of the entry's fields and the previous hash."""
    document = {name: fields[name] for name in HASHED_FIELDS}
    document["previous_hash"] = previous_hash
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def first_broken(records: list[AuditRecord]) -> int | None:
    """The id of the first entry whose link or hash does not match, or None when the chain holds."""
    previous = GENESIS_HASH
    for record in records:
        if record.previous_hash != previous or record.entry_hash != audit_hash(record.fields, previous):
            return record.id
        previous = record.entry_hash
    return None


def check_four_eyes(recommended_by: str | None, approver: Actor) -> None:
    if recommended_by == approver.user_id:
        raise Forbidden("four-eyes principle: the approver must not be the person who recommended")


def requested_amount(cost_cents: list[int], own_cents: int, other_cents: int) -> int:
    """Requested = costs − own contribution − other funding, never below zero."""
    requested = sum(cost_cents) - own_cents - other_cents
    if requested < 0:
        raise Invalid(
            {"own_contribution_cents": ["own contribution and other funding together exceed the total costs"]}
        )
    return requested


def check_submittable(
    title: str,
    cost_cents: list[int],
    requested_cents: int,
    max_amount_cents: int,
    found: rules.Errors | None = None,
) -> None:
    """Refuse an incomplete application with every missing part and violated rule at once."""
    errors: rules.Errors = {}
    if not title.strip():
        errors["title"] = ["a project title is required"]
    if not cost_cents:
        errors["cost_lines"] = ["the budget plan needs at least one cost line"]
    errors = rules.merge(errors, rules.amount_errors(requested_cents, max_amount_cents), found or {})
    if errors:
        raise Invalid(errors, "The application is not complete or breaks the programme's rules.")


def check_call_open(now: datetime, opens_at: datetime, closes_at: datetime, title: str = "") -> None:
    """Late (or early) submissions are refused, saying when the call closed in Berlin time."""
    message = rules.window_error(now, opens_at, closes_at, title)
    if message:
        raise Conflict(message, field="call_id")


def check_recommended_amount(recommended_cents: int, requested_cents: int) -> None:
    if not 0 < recommended_cents <= requested_cents:
        raise Invalid(
            {
                "recommended_cents": [
                    f"must be more than 0 and at most the requested {format_euro(requested_cents)}"
                ]
            }
        )
