"""Payloads of the events the funding service publishes."""

from __future__ import annotations

from marshmallow import fields

from shared.events.fields import Id, Money, UtcDateTime
from shared.events.registry import PayloadSchema, payload


class _ApplicationEvent(PayloadSchema):
    application_id = Id(required=True)
    organization_id = Id(required=True)
    programme_id = Id(required=True)
    title = fields.String(required=True)
    submitted_by = Id(required=True)


@payload("funding.application.submitted", 1)
class ApplicationSubmittedV1(_ApplicationEvent):
    """Funding emits this when an applicant submits a complete application inside the call window.

    Consumers may rely on the requested amount (cents, computed by funding, never by the client).
    """

    requested_cents = Money(required=True)
    submitted_at = UtcDateTime(required=True)


@payload("funding.application.recommended", 1)
class ApplicationRecommendedV1(_ApplicationEvent):
    """Funding emits this when a caseworker recommends an application for approval."""

    recommended_cents = Money(required=True)
    recommended_by = Id(required=True)


@payload("funding.application.approved", 1)
class ApplicationApprovedV1(_ApplicationEvent):
    """Funding emits this when an approver (not the recommender) approves an application.

    The approved amount is already committed against the programme's budget for ``budget_year``.
    Notifications tells the organisation's contact persons; the letter stays in the portal.
    """

    approved_cents = Money(required=True)
    budget_year = fields.Integer(required=True, strict=True)
    approved_by = Id(required=True)
    decided_at = UtcDateTime(required=True)
