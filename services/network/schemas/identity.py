"""Network's HTTP request and response schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class TokenRequestSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class TokenResponseSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class ActorSchema(Schema):
    user_id = fields.String()
    email = fields.String()
    roles = fields.List(fields.String())
    organization_ids = fields.List(fields.String())
