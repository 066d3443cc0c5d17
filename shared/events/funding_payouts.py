"""Payloads of the events the funding service publishes about payouts and proof-of-use reports."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events.fields import Id, Money, UtcDateTime
from shared.events.registry import PayloadSchema, payload


class _CaseEvent(PayloadSchema):
    application_id = Id(required=True)
    organization_id = Id(required=True)
    programme_id = Id(required=True)
    title = fields.String(required=True)


class _PayoutEvent(_CaseEvent):
    payout_id = Id(required=True)
    amount_cents = Money(required=True)
    approved_cents = Money(required=True)


@payload("funding.payout.requested", 1)
class PayoutRequestedV1(_PayoutEvent):
    """Funding emits this when a member of the applying organisation requests money (Mittelabruf).

    The request is pending; approved and pending requests together never exceed ``approved_cents``.
    Notifications tells the caseworkers.
    """

    purpose = fields.String(required=True)
    requested_by = Id(required=True)
    requested_at = UtcDateTime(required=True)


@payload("funding.payout.approved", 1)
class PayoutApprovedV1(_PayoutEvent):
    """Funding emits this when an approver (never the requester) approves a payout request.

    ``paid_out_cents`` is the application's total paid out including this payout; the programme's
    ledger counts it as paid out in the same transaction. Notifications tells the organisation.
    """

    paid_out_cents = Money(required=True)
    approved_by = Id(required=True)
    decided_at = UtcDateTime(required=True)


@payload("funding.payout.rejected", 1)
class PayoutRejectedV1(_PayoutEvent):
    """Funding emits this when an approver rejects a payout request; ``reason`` is never empty."""

    reason = fields.String(required=True, validate=validate.Length(min=1))
    rejected_by = Id(required=True)
    decided_at = UtcDateTime(required=True)


@payload("funding.report.due", 1)
class ReportDueV1(_CaseEvent):
    """Funding emits this when an approved project's proof of use (Verwendungsnachweis) becomes due
    (the project ended: ``days_before`` is null) and as a reminder ``days_before`` days before
    ``due_on`` (Europe/Berlin calendar day, the last day to submit). Each step is emitted once per
    application. Notifications tells the organisation's contact persons.
    """

    due_on = fields.Date(required=True)
    days_before = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=0))


@payload("funding.report.overdue", 1)
class ReportOverdueV1(_CaseEvent):
    """Funding emits this once when ``due_on`` has passed without a submitted report; the
    application is now ``report_overdue``. Notifications reminds the organisation."""

    due_on = fields.Date(required=True)
    marked_at = UtcDateTime(required=True)


@payload("funding.report.submitted", 1)
class ReportSubmittedV1(_CaseEvent):
    """Funding emits this when the organisation submits (or, after a change request, resubmits) its
    proof of use. ``submission`` counts from 1. Notifications tells the caseworkers."""

    submission = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    actual_total_cents = Money(required=True)
    submitted_by = Id(required=True)
    submitted_at = UtcDateTime(required=True)


@payload("funding.report.changes_requested", 1)
class ReportChangesRequestedV1(_CaseEvent):
    """Funding emits this when a caseworker sends a submitted proof of use back; ``comment`` says
    what to change. Notifications tells the organisation."""

    comment = fields.String(required=True, validate=validate.Length(min=1))
    requested_by = Id(required=True)
    requested_at = UtcDateTime(required=True)


@payload("funding.report.accepted", 1)
class ReportAcceptedV1(_CaseEvent):
    """Funding emits this when a caseworker accepts the proof of use; the case is closed.

    ``funded_cents`` is what the grant finally pays for (at most approved, at most the actual costs
    less own contribution and other funding); ``returned_cents`` went back to the programme's
    budget for ``budget_year``; ``repayment_claim_cents`` is owed back by the organisation,
    ``balance_due_cents`` is still owed to it. Notifications tells the organisation.
    """

    budget_year = fields.Integer(required=True, strict=True)
    approved_cents = Money(required=True)
    paid_out_cents = Money(required=True)
    funded_cents = Money(required=True)
    returned_cents = Money(required=True)
    repayment_claim_cents = Money(required=True)
    balance_due_cents = Money(required=True)
    accepted_by = Id(required=True)
    accepted_at = UtcDateTime(required=True)
