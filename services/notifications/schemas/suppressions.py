"""The suppression list in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields


class SuppressionQuerySchema(Schema):
    address = fields.Email(load_default=None)
    include_lifted = fields.Boolean(load_default=False)


class SuppressionSchema(Schema):
    id = fields.Integer()
    address = fields.String()
    reason = fields.String(metadata={"description": "unknown_mailbox, erased, …"})
    detail = fields.String(metadata={"description": "the SMTP server's answer, for unknown_mailbox"})
    source_event = fields.String(metadata={"description": "the event whose email led to it"})
    created_at = fields.AwareDateTime()
    lifted_by = fields.String(allow_none=True)
    lifted_at = fields.AwareDateTime(allow_none=True)
