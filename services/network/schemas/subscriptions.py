"""HTTP schemas of subscriptions: the public opt-in form, the preference page, the staff view."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.events.network_engagement import DIGEST_CHOICES

TOPIC = fields.String(validate=validate.Length(min=1, max=120))
DISTRICT = fields.String(validate=validate.Length(min=1, max=120))
LANGUAGE = validate.Regexp(r"^[a-z]{2,3}$", error="an ISO 639-1 code such as de, tr or ar")


class SubscriptionRequestSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    language = fields.String(load_default="de", validate=LANGUAGE)
    topics = fields.List(TOPIC, required=True, validate=validate.Length(min=1, max=50))
    districts = fields.List(DISTRICT, load_default=list, validate=validate.Length(max=100))
    consent_text_version = fields.String(required=True, validate=validate.Length(min=1, max=40))


class SubscriptionRequestedSchema(Schema):
    status = fields.String(metadata={"description": "always 'pending': a confirmation email is on its way"})


class TokenQuerySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PreferencesSchema(Schema):
    """What the person behind a signed link receives now."""

    name = fields.String()
    email = fields.String()
    language = fields.String()
    status = fields.String(metadata={"description": "active, pending, unsubscribed"})
    topics = fields.List(fields.String())
    districts = fields.List(fields.String())
    digest = fields.String(metadata={"description": "none (one by one), daily or weekly digest"})


class PreferencesChangeSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    topics = fields.List(TOPIC, required=True, validate=validate.Length(max=50))
    districts = fields.List(DISTRICT, load_default=list, validate=validate.Length(max=100))
    digest = fields.String(validate=validate.OneOf(DIGEST_CHOICES), load_default=None)


class StaffSubscriptionSchema(Schema):
    contact_id = fields.String()
    status = fields.String(metadata={"description": "none, pending, active, unsubscribed"})
    topics = fields.List(fields.String())
    districts = fields.List(fields.String())
    pending_topics = fields.List(fields.String(), allow_none=True)
    pending_districts = fields.List(fields.String(), allow_none=True)
    requested_at = fields.AwareDateTime(allow_none=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
    unsubscribed_at = fields.AwareDateTime(allow_none=True)
    digest = fields.String()
