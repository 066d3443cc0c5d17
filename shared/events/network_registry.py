"""Payloads of network's registry events: organisations and contact persons."""

from __future__ import annotations

from marshmallow import fields

from shared.events.fields import Id
from shared.events.registry import PayloadSchema, payload


@payload("network.organization.verified", 1)
class OrganizationVerifiedV1(PayloadSchema):
    """Network emits this when staff verify an organisation: from now on it may apply for funding.

    Funding keeps it in its local read model of eligible organisations.
    """

    organization_id = Id(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)
