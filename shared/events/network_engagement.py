"""Payloads of network's engagement events: subscriptions and KI events."""

from __future__ import annotations

from marshmallow import fields

from shared.events.fields import Id, Language
from shared.events.registry import PayloadSchema, payload


@payload("network.contact.subscribed", 1)
class ContactSubscribedV1(PayloadSchema):
    """Network emits this when a contact person's subscription is confirmed (double opt-in) or changed.

    It carries what notifications needs to address the person without asking network.
    """

    contact_id = Id(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    language = Language(required=True)
    topics = fields.List(fields.String(), required=True)
    districts = fields.List(fields.String(), required=True)
    organization_ids = fields.List(Id(), required=True)
