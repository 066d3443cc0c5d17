"""Checklists, the caseworker's assessment and the recommendation in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.funding.domain.assessments import ANSWERS

MAX_CENTS = 10**11


class ChecklistItemSchema(Schema):
    id = fields.String()
    programme_id = fields.String()
    text = fields.String()
    required = fields.Boolean()
    position = fields.Integer()
    created_at = fields.AwareDateTime()


class ChecklistItemCreateSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    required = fields.Boolean(load_default=True)
    # None: after the last item
    position = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0, max=10_000))


class ChecklistItemChangeSchema(Schema):
    text = fields.String(validate=validate.Length(min=1, max=500))
    required = fields.Boolean()
    position = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000))


class AnswerSchema(Schema):
    item_id = fields.UUID(required=True)
    answer = fields.String(required=True, validate=validate.OneOf(ANSWERS))
    note = fields.String(load_default="", validate=validate.Length(max=5_000))


class AssessmentRequestSchema(Schema):
    """The whole assessment; saving replaces the one before."""

    answers = fields.List(fields.Nested(AnswerSchema), load_default=list, validate=validate.Length(max=200))
    comment = fields.String(load_default="", validate=validate.Length(max=20_000))
    recommended_cents = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_CENTS)
    )


class AssessmentItemSchema(Schema):
    item_id = fields.String()
    text = fields.String()
    required = fields.Boolean()
    answer = fields.String(allow_none=True)
    note = fields.String()


class AssessmentSchema(Schema):
    application_id = fields.String()
    requested_cents = fields.Integer()
    recommended_cents = fields.Integer(allow_none=True)
    comment = fields.String()
    items = fields.List(fields.Nested(AssessmentItemSchema))
    complete = fields.Boolean()
    missing = fields.List(fields.String(), metadata={"description": "required items not yet answered"})
    assessor_id = fields.String(allow_none=True)
    assessor_email = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True, metadata={"description": "set when recommended"})


class RecommendRequestSchema(Schema):
    """Recommend on the saved assessment; an amount given here becomes the assessment's."""

    recommended_cents = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=MAX_CENTS)
    )
    comment = fields.String(load_default="", validate=validate.Length(max=5_000))
