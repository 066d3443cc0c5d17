"""Applications, decisions and the audit trail in and out of the API."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.funding.domain import STATES, rules
from shared.languages import invalid_languages
from shared.paging import PageQuerySchema

MAX_CENTS = 10**11


class CostLineSchema(Schema):
    category = fields.String(required=True, validate=validate.Length(min=1, max=60))
    description = fields.String(required=True, validate=validate.Length(min=1, max=500))
    amount_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_CENTS))


def _language(code: str) -> None:
    if invalid_languages([code]):
        raise ValidationError(f"{code!r} is not an ISO 639-1 language code such as de, tr or ar")


def _content_fields() -> dict[str, fields.Field]:
    """What a draft may carry; what is not sent stays as it is (or empty on create), checked at submit."""
    return {
        "title": fields.String(validate=validate.Length(min=1, max=300)),
        "summary": fields.String(validate=validate.Length(max=10_000)),
        "goals": fields.String(validate=validate.Length(max=10_000)),
        "target_groups": fields.List(
            fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=20)
        ),
        "district": fields.String(validate=validate.Length(max=120)),
        "start_date": fields.Date(allow_none=True),
        "end_date": fields.Date(allow_none=True),
        "languages": fields.List(
            fields.String(validate=_language),
            validate=validate.Length(max=30),
            metadata={"description": "ISO 639-1 codes, e.g. de, tr, ar"},
        ),
        "cost_lines": fields.List(fields.Nested(CostLineSchema), validate=validate.Length(max=200)),
        "own_contribution_cents": fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_CENTS)),
        "volunteer_hours": fields.Integer(
            strict=True,
            validate=validate.Range(min=0, max=1_000_000),
            metadata={
                "description": "unpaid hours counted towards the own contribution at the programme's rate"
            },
        ),
        "other_funding_cents": fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_CENTS)),
    }


class ApplicationChangeSchema(Schema.from_dict(_content_fields())):  # type: ignore[misc]
    """A draft's changes: only the fields sent are changed; cost_lines replaces the whole plan."""

    @validates_schema
    def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors = rules.date_errors(data.get("start_date"), data.get("end_date"))
        if errors:
            raise ValidationError(errors)


class ApplicationCreateSchema(ApplicationChangeSchema):
    """A new draft: anything may still be missing except call, organisation and title (checked at submit)."""

    call_id = fields.UUID(required=True)
    organization_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))


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
    programme_id = fields.Function(lambda application: application.call.programme_id)
    organization_id = fields.String()
    title = fields.String()
    summary = fields.String()
    goals = fields.String()
    target_groups = fields.List(fields.String())
    district = fields.String()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    languages = fields.List(fields.String())
    state = fields.String()
    cost_lines = fields.List(fields.Nested(CostLineSchema))
    own_contribution_cents = fields.Integer()
    volunteer_hours = fields.Integer()
    other_funding_cents = fields.Integer()
    requested_cents = fields.Integer(
        metadata={"description": "computed from the budget plan under the programme's rules, never sent"}
    )
    recommended_cents = fields.Integer(allow_none=True)
    approved_cents = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class ApplicationQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(STATES))
    call_id = fields.UUID()
    programme_id = fields.UUID()
    organization_id = fields.UUID()
    district = fields.String(validate=validate.Length(min=1, max=120))


class BudgetVersionSchema(Schema):
    number = fields.Integer()
    action = fields.String(metadata={"description": "submit or resubmit"})
    created_by = fields.String()
    created_at = fields.AwareDateTime()
    cost_lines = fields.List(fields.Nested(CostLineSchema))
    total_cost_cents = fields.Integer()
    own_contribution_cents = fields.Integer()
    volunteer_hours = fields.Integer()
    volunteer_value_cents = fields.Integer()
    other_funding_cents = fields.Integer()
    requested_cents = fields.Integer()


class CompareQuerySchema(Schema):
    from_number = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1))
    to_number = fields.Integer(required=True, data_key="to", validate=validate.Range(min=1))


class CentsDifferenceSchema(Schema):
    from_cents = fields.Integer()
    to_cents = fields.Integer()
    difference_cents = fields.Integer(metadata={"description": "to − from"})


class LineDifferenceSchema(CentsDifferenceSchema):
    category = fields.String()
    description = fields.String()


class CategoryDifferenceSchema(CentsDifferenceSchema):
    category = fields.String()


class BudgetComparisonSchema(Schema):
    from_number = fields.Integer(data_key="from")
    to_number = fields.Integer(data_key="to")
    lines = fields.List(fields.Nested(LineDifferenceSchema))
    categories = fields.List(fields.Nested(CategoryDifferenceSchema))
    totals = fields.Dict(keys=fields.String(), values=fields.Nested(CentsDifferenceSchema))
