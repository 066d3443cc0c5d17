"""Payloads of the events the funding service publishes about programmes and calls."""

from __future__ import annotations

from marshmallow import fields

from shared.events.fields import Id, UtcDateTime
from shared.events.registry import PayloadSchema, payload


@payload("funding.call.published", 1)
class CallPublishedV1(PayloadSchema):
    """Funding emits this when KI staff publish a call (Förderaufruf) of a programme.

    ``districts`` lists the districts the call is addressed to; an empty list means all of them.
    Times are UTC; the call accepts applications from ``opens_at`` until before ``closes_at``
    (set by staff in Europe/Berlin time). ``portal_url`` is where applicants read and apply.
    Notifications tells contacts subscribed to funding calls in those districts.
    """

    call_id = Id(required=True)
    programme_id = Id(required=True)
    programme_name = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    districts = fields.List(fields.String(), required=True)
    budget_year = fields.Integer(required=True, strict=True)
    opens_at = UtcDateTime(required=True)
    closes_at = UtcDateTime(required=True)
    published_at = UtcDateTime(required=True)
    portal_url = fields.String(required=True)
