"""Template list, preview and test send in and out of the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class TemplateSchema(Schema):
    kind = fields.String(metadata={"description": "message type, e.g. call_published"})
    languages = fields.List(fields.String(), metadata={"description": "languages with all three parts"})
    declared = fields.List(fields.String(), metadata={"description": "languages the type promises"})


class PreviewQuerySchema(Schema):
    language = fields.String(load_default="de", validate=validate.Length(min=2, max=8))


class PreviewSchema(Schema):
    kind = fields.String()
    language = fields.String()
    direction = fields.String(metadata={"description": "ltr, or rtl for Arabic"})
    subject = fields.String()
    text = fields.String()
    html = fields.String()
    context = fields.Dict(metadata={"description": "the sample values the preview was rendered with"})


class TestSendRequestSchema(Schema):
    email = fields.Email(required=True)
    language = fields.String(load_default="de", validate=validate.Length(min=2, max=8))
    name = fields.String(load_default="", validate=validate.Length(max=200))


class TestSendSchema(Schema):
    event_id = fields.String(metadata={"description": "synthetic event id: the delivery log lists it"})
    recipient = fields.String()
    language = fields.String()
    subject = fields.String()
    message_id = fields.String()
    status = fields.String(
        metadata={"description": "pending until the worker sends it; suppressed if blocked"}
    )
