"""The budget overview and funding histories in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class BudgetQuerySchema(Schema):
    year = fields.Integer(strict=False, validate=validate.Range(min=2000, max=2200))
    programme_id = fields.UUID()


class BudgetLineSchema(Schema):
    programme_id = fields.String()
    programme_name = fields.String()
    year = fields.Integer()
    budget_cents = fields.Integer()
    committed_cents = fields.Integer()
    paid_out_cents = fields.Integer()
    returned_cents = fields.Integer()
    available_cents = fields.Integer()
    applications_by_state = fields.Dict(keys=fields.String(), values=fields.Integer())


class HistoryLineSchema(Schema):
    application_id = fields.String()
    title = fields.String()
    programme_name = fields.String()
    call_title = fields.String()
    year = fields.Integer()
    state = fields.String()
    requested_cents = fields.Integer()
    approved_cents = fields.Integer(allow_none=True)
    paid_out_cents = fields.Integer()
    returned_cents = fields.Integer()
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class FundingHistorySchema(Schema):
    organization_id = fields.String()
    organization_name = fields.String(allow_none=True)
    approved_cents = fields.Integer()
    paid_out_cents = fields.Integer()
    returned_cents = fields.Integer()
    applications = fields.List(fields.Nested(HistoryLineSchema))
