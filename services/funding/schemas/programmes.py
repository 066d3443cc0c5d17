"""Programmes (with their rules and yearly budgets) and calls in and out of the API.

Call times are given as Europe/Berlin wall-clock times without an offset and stored in UTC; the
answer shows both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.funding.domain import rules

MAX_CENTS = 10**11
BERLIN_INPUT = (
    "Europe/Berlin wall-clock time without an offset, e.g. 2027-01-31T23:59; stored in UTC. "
    "Offsets and times that summer time skips or repeats are refused."
)
BASIS_POINTS = "basis points: 1000 = 10 %"


def _cents(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_CENTS), **kwargs)


def _basis_points(**kwargs: Any) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=rules.FULL),
        metadata={"description": BASIS_POINTS},
        **kwargs,
    )


class BerlinDateTime(fields.DateTime):
    """Reads a Berlin local time and gives the UTC moment."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        local = super()._deserialize(value, attr, data, **kwargs)
        try:
            return rules.berlin_to_utc(local)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class BudgetSchema(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2200))
    budget_cents = _cents(required=True)


class BudgetOutSchema(BudgetSchema):
    committed_cents = fields.Integer()
    paid_out_cents = fields.Integer()
    returned_cents = fields.Integer()
    available_cents = fields.Function(lambda budget: budget.budget_cents - budget.committed_cents)


class ProgrammeChangeSchema(Schema):
    """Every field optional; ``budgets`` adds years or changes the named ones (none is removed)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=10_000))
    max_amount_cents = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_CENTS))
    financing_type = fields.String(validate=validate.OneOf(rules.FINANCING_TYPES))
    funding_rate_bp = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=rules.FULL),
        metadata={"description": f"share financing: the funded share of eligible costs, {BASIS_POINTS}"},
    )
    fixed_amount_cents = fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1, max=MAX_CENTS)
    )
    min_own_contribution_bp = _basis_points()
    volunteer_hour_rate_cents = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "value of one volunteer hour; 0: volunteer hours do not count"},
    )
    volunteer_max_share_bp = _basis_points()
    eligible_categories = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        validate=validate.Length(max=50),
        metadata={"description": "empty: every category is eligible"},
    )
    budgets = fields.List(fields.Nested(BudgetSchema), validate=validate.Length(max=50))

    @validates_schema
    def _one_budget_per_year(self, data: dict[str, Any], **_kwargs: Any) -> None:
        years = [budget["year"] for budget in data.get("budgets", [])]
        if len(years) != len(set(years)):
            raise ValidationError("each year may appear only once", field_name="budgets")


class ProgrammeCreateSchema(ProgrammeChangeSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    max_amount_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_CENTS)
    )
    financing_type = fields.String(load_default="shortfall", validate=validate.OneOf(rules.FINANCING_TYPES))


class ProgrammeSchema(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String()
    max_amount_cents = fields.Integer()
    financing_type = fields.String()
    funding_rate_bp = fields.Integer(allow_none=True)
    fixed_amount_cents = fields.Integer(allow_none=True)
    min_own_contribution_bp = fields.Integer()
    volunteer_hour_rate_cents = fields.Integer()
    volunteer_max_share_bp = fields.Integer()
    eligible_categories = fields.List(fields.String())
    budgets = fields.List(fields.Nested(BudgetOutSchema))


class CallChangeSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=300))
    summary = fields.String(validate=validate.Length(max=10_000))
    budget_year = fields.Integer(strict=True, validate=validate.Range(min=2000, max=2200))
    opens_at = BerlinDateTime(metadata={"description": BERLIN_INPUT})
    closes_at = BerlinDateTime(metadata={"description": BERLIN_INPUT})
    districts = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        validate=validate.Length(max=100),
        metadata={"description": "districts the call is addressed to; empty: all"},
    )


class CallCreateSchema(CallChangeSchema):
    programme_id = fields.UUID(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    summary = fields.String(load_default="", validate=validate.Length(max=10_000))
    budget_year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2200))
    opens_at = BerlinDateTime(required=True, metadata={"description": BERLIN_INPUT})
    closes_at = BerlinDateTime(required=True, metadata={"description": BERLIN_INPUT})
    districts = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        load_default=list,
        validate=validate.Length(max=100),
    )


def _berlin(name: str) -> fields.Function:
    return fields.Function(
        lambda call: rules.in_berlin(getattr(call, name)).isoformat(),
        metadata={"description": "the same moment in Europe/Berlin, ISO 8601 with offset"},
    )


class CallSchema(Schema):
    id = fields.String()
    programme_id = fields.String()
    programme_name = fields.Function(lambda call: call.programme.name)
    title = fields.String()
    summary = fields.String()
    budget_year = fields.Integer()
    opens_at = fields.AwareDateTime(metadata={"description": "UTC"})
    closes_at = fields.AwareDateTime(metadata={"description": "UTC; applications until before this moment"})
    opens_at_berlin = _berlin("opens_at")
    closes_at_berlin = _berlin("closes_at")
    districts = fields.List(fields.String())
    state = fields.String(metadata={"description": "draft or published"})
    published_at = fields.AwareDateTime(allow_none=True)


class CallQuerySchema(Schema):
    programme_id = fields.UUID()
    state = fields.String(validate=validate.OneOf(("draft", "published")))
