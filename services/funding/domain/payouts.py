"""Payout requests (Mittelabruf): what may be requested, who decides, and the cap."""

from __future__ import annotations

from services.funding.domain import AFTER_APPROVAL, format_euro
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

# Money may be requested from approval until the case is closed; the last instalment often
# follows the report.
PAYABLE_STATES = AFTER_APPROVAL
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
# Payouts move public money: the Leitung signs them, never the person who asked for them.
DECIDER_ROLE = "approver"


def check_payable_state(state: str) -> None:
    if state not in PAYABLE_STATES:
        raise Conflict(
            f"an application in state {state!r} takes no payout requests; it must be approved and not closed",
            field="state",
        )


def check_within_approved(amount_cents: int, bound_cents: int, approved_cents: int) -> None:
    """Approved and pending payouts together never pass the approved amount."""
    left = approved_cents - bound_cents
    if amount_cents > left:
        raise Invalid(
            {
                "amount_cents": [
                    f"at most {format_euro(max(left, 0))} can still be requested (approved "
                    f"{format_euro(approved_cents)}, already requested or paid {format_euro(bound_cents)})"
                ]
            }
        )


def check_decider(actor: Actor, requested_by: str) -> None:
    if not actor.has_role(DECIDER_ROLE):
        raise Forbidden(f"only the role {DECIDER_ROLE!r} may decide on payout requests")
    if actor.user_id == requested_by:
        raise Forbidden("four-eyes principle: a payout must be decided by someone other than its requester")


def check_pending(status: str) -> None:
    if status != PENDING:
        raise Conflict(f"this payout request was already {status}", field="status")
