"""The delivery log in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields

from shared.paging import PageQuerySchema


class DeliveryQuerySchema(PageQuerySchema):
    event_id = fields.UUID(load_default=None)
    recipient = fields.Email(load_default=None)


class DeliverySchema(Schema):
    id = fields.Integer()
    event_id = fields.String()
    event_type = fields.String()
    recipient = fields.String()
    language = fields.String()
    subject = fields.String()
    message_id = fields.String()
    purpose = fields.String(metadata={"description": "administrative or newsletter"})
    status = fields.String(metadata={"description": "pending, sending, sent, failed, suppressed, cancelled"})
    attempts = fields.Integer()
    last_error = fields.String()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
