"""HTTP schemas of the organisation search and its export."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.network.domain.search import MAX_PER_PAGE


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


class OrganizationHitSchema(Schema):
    """One organisation in the results; which fields appear depends on who asks (see the docs)."""

    id = fields.String()
    name = fields.String()
    legal_form = fields.String()
    type = fields.String()
    street = fields.String()
    postal_code = fields.String()
    city = fields.String()
    municipality = fields.String()
    district = fields.String()
    email = fields.String()
    phone = fields.String()
    website = fields.String()
    description = fields.String()
    fields_of_work = fields.List(fields.String())
    languages = fields.List(fields.String())
    target_groups = fields.List(fields.String())
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


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
