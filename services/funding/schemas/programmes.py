"""Programmes and calls in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields


class CallSchema(Schema):
    id = fields.String()
    programme_id = fields.String()
    title = fields.String()
    budget_year = fields.Integer()
    opens_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
