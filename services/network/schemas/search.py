"""HTTP schemas of the organisation search and its export."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.network.domain.search import MAX_PER_PAGE
from services.network.schemas.registry import OrganizationSchema


class SearchArgsSchema(Schema):
    """Query string of a search; repeat a facet parameter to match any of several values."""

    q = fields.String(load_default="", validate=validate.Length(max=200))
    type = fields.List(fields.String(validate=validate.Length(max=80)), load_default=list)
    district = fields.List(fields.String(validate=validate.Length(max=120)), load_default=list)
    field_of_work = fields.List(fields.String(validate=validate.Length(max=80)), load_default=list)
    language = fields.List(fields.String(validate=validate.Length(max=8)), load_default=list)
    status = fields.List(fields.String(validate=validate.Length(max=20)), load_default=list)


class PageArgsSchema(SearchArgsSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ExportArgsSchema(SearchArgsSchema):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class OrganizationHitSchema(OrganizationSchema):
    """One organisation in the results; which fields appear depends on who asks (see the docs)."""

    class Meta:
        exclude = ("email_confirmed_at", "merged_into_id")


class FacetValueSchema(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()


class SearchResultSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    items = fields.List(fields.Nested(OrganizationHitSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))
