"""Funding's rules as pure functions: the workflow table, four-eyes, money in cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    role: str
    done: str  # past participle for messages: "cannot be approved"


# The one transition table; the funding issue extends it to the whole life of a grant.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition("draft", "submitted", "applicant", "submitted"),
    "recommend": Transition("submitted", "recommended", "caseworker", "recommended"),
    "approve": Transition("recommended", "approved", "approver", "approved"),
}


def transition(state: str, action: str, actor: Actor) -> str:
    """The state after ``action``, or the reason the actor may not take it now."""
    step = TRANSITIONS[action]
    if not actor.has_role(step.role):
        raise Forbidden(f"only the role {step.role!r} may {action} an application")
    if state != step.source:
        raise Conflict(
            f"an application in state {state!r} cannot be {step.done}; it must be {step.source!r}",
            field="state",
        )
    return step.target


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
) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["a project title is required"]
    if not cost_cents:
        errors["cost_lines"] = ["the budget plan needs at least one cost line"]
    if requested_cents <= 0:
        errors["requested_cents"] = ["the requested amount must be greater than zero"]
    if requested_cents > max_amount_cents:
        errors["requested_cents"] = [
            f"the programme funds at most {format_euro(max_amount_cents)} per application"
        ]
    if errors:
        raise Invalid(errors, "The application is not complete.")


def check_call_open(now: datetime, opens_at: datetime, closes_at: datetime) -> None:
    if now < opens_at:
        raise Conflict(f"the call opens on {opens_at.isoformat()}", field="call_id")
    if now >= closes_at:
        raise Conflict(
            f"the call closed on {closes_at.isoformat()}; late applications cannot be accepted",
            field="call_id",
        )


def check_recommended_amount(recommended_cents: int, requested_cents: int) -> None:
    if not 0 < recommended_cents <= requested_cents:
        raise Invalid(
            {
                "recommended_cents": [
                    f"must be more than 0 and at most the requested {format_euro(requested_cents)}"
                ]
            }
        )


def format_euro(cents: int) -> str:
    """German notation: 1.234,56 €."""
    euros, rest = divmod(cents, 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"
