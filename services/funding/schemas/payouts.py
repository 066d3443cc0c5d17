"""Payout requests in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PayoutRequestSchema(Schema):
    amount_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**11))
    purpose = fields.String(load_default="", validate=validate.Length(max=2_000))


class PayoutApproveSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))


class PayoutRejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5_000))


class PayoutSchema(Schema):
    id = fields.String()
    application_id = fields.String()
    amount_cents = fields.Integer()
    purpose = fields.String()
    status = fields.String()
    requested_by = fields.String()
    requested_at = fields.AwareDateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    decision_comment = fields.String()
