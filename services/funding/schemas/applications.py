"""Applications, decisions and the audit trail in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

Cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**11))


class CostLineSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    description = fields.String(required=True, validate=validate.Length(min=1, max=500))
    amount_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**11))


class ApplicationCreateSchema(Schema):
    call_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(load_default="", validate=validate.Length(max=10_000))
    cost_lines = fields.List(
        fields.Nested(CostLineSchema), load_default=list, validate=validate.Length(max=200)
    )
    own_contribution_cents = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=10**11)
    )
    other_funding_cents = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=10**11)
    )


class RecommendSchema(Schema):
    recommended_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**11))
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))


class DecisionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))


class CommentRequiredSchema(Schema):
    """request_changes: the applicant must learn what to change."""

    comment = fields.String(required=True, validate=validate.Length(min=1, max=5_000))


class RejectSchema(Schema):
    reasons = fields.List(
        fields.String(validate=validate.Length(min=1, max=2_000)),
        required=True,
        validate=validate.Length(min=1, max=20),
    )
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    actor_id = fields.String()
    action = fields.String()
    from_state = fields.String()
    to_state = fields.String()
    comment = fields.String()
    at = fields.AwareDateTime()
    previous_hash = fields.String()
    entry_hash = fields.String()


class AuditTrailSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema))
    intact = fields.Boolean()
    first_broken_entry = fields.Integer(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.String()
    call_id = fields.String()
    organization_id = fields.String()
    title = fields.String()
    summary = fields.String()
    state = fields.String()
    cost_lines = fields.List(fields.Nested(CostLineSchema))
    own_contribution_cents = fields.Integer()
    other_funding_cents = fields.Integer()
    requested_cents = fields.Integer()
    recommended_cents = fields.Integer(allow_none=True)
    approved_cents = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
