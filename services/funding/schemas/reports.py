"""The proof of use (Verwendungsnachweis) in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.funding.schemas.applications import CostLineSchema


class ActualCostSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    amount_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=10**11))


class ReportSubmitSchema(Schema):
    narrative = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    actual_costs = fields.List(
        fields.Nested(ActualCostSchema), required=True, validate=validate.Length(min=1, max=200)
    )
    # As actually received; left out, the planned amounts count.
    own_contribution_cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**11))
    other_funding_cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**11))


class ReportCommentSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))


class ReportChangesSchema(Schema):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=5_000))


class ComparisonSchema(Schema):
    category = fields.String()
    planned_cents = fields.Integer()
    actual_cents = fields.Integer()
    difference_cents = fields.Integer()


class ReportSchema(Schema):
    application_id = fields.String(attribute="application.id")
    state = fields.String(attribute="application.state")
    approved_cents = fields.Integer(attribute="application.approved_cents")
    paid_out_cents = fields.Integer(attribute="application.paid_out_cents")
    due_on = fields.Date()
    narrative = fields.String(attribute="report.narrative")
    own_contribution_cents = fields.Integer(attribute="report.own_contribution_cents")
    other_funding_cents = fields.Integer(attribute="report.other_funding_cents")
    submissions = fields.Integer(attribute="report.submissions")
    submitted_at = fields.AwareDateTime(attribute="report.submitted_at", allow_none=True)
    overdue_at = fields.AwareDateTime(attribute="report.overdue_at", allow_none=True)
    review_comment = fields.String(attribute="report.review_comment")
    actual_costs = fields.List(fields.Nested(ActualCostSchema), attribute="report.actual_costs")
    planned_costs = fields.List(fields.Nested(CostLineSchema), attribute="application.cost_lines")
    comparison = fields.List(fields.Nested(ComparisonSchema))
    accepted_at = fields.AwareDateTime(attribute="report.accepted_at", allow_none=True)
    funded_cents = fields.Integer(attribute="report.funded_cents", allow_none=True)
    returned_cents = fields.Integer(attribute="report.returned_cents", allow_none=True)
    repayment_claim_cents = fields.Integer(attribute="report.repayment_claim_cents", allow_none=True)
    balance_due_cents = fields.Integer(attribute="report.balance_due_cents", allow_none=True)
