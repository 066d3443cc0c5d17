"""Network's HTTP request and response schemas for sign-in, sessions, passwords and accounts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.auth import ROLES

_password = validate.Length(min=1, max=1000)
_language = validate.Regexp(r"^[a-z]{2,3}$")


class TokenRequestSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=_password)


class TokenResponseSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class RefreshRequestSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ActorSchema(Schema):
    user_id = fields.String()
    email = fields.String()
    roles = fields.List(fields.String())
    organization_ids = fields.List(fields.String())


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True)


class PasswordResetConfirmSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, validate=_password)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=_password)
    new_password = fields.String(required=True, validate=_password)


class UserQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=320))
    role = fields.String(validate=validate.OneOf(ROLES))
    organization_id = fields.UUID()


class UserSchema(Schema):
    id = fields.String()
    email = fields.String()
    language = fields.String()
    active = fields.Boolean()
    created_at = fields.AwareDateTime()
    last_login_at = fields.AwareDateTime()
    roles = fields.Function(lambda user: sorted(r.role for r in user.roles))
    organization_ids = fields.Function(lambda user: sorted(m.organization_id for m in user.memberships))


class UserCreateSchema(Schema):
    email = fields.Email(required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list)
    organization_ids = fields.List(fields.UUID(), load_default=list)
    language = fields.String(load_default="de", validate=_language)


class RolesSchema(Schema):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True)


class MembershipSchema(Schema):
    organization_id = fields.UUID(required=True)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    occurred_at = fields.AwareDateTime()
    actor_user_id = fields.String(allow_none=True)
    action = fields.String()
    target_user_id = fields.String(allow_none=True)
    details = fields.Dict()
