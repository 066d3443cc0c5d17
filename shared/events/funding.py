"""Payloads of the events the funding service publishes."""

from __future__ import annotations

from marshmallow import fields, validate

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


@payload("funding.application.review_started", 1)
class ApplicationReviewStartedV1(_ApplicationEvent):
    """Funding emits this when a caseworker takes a submitted application into review.

    The application is now ``in_review``: the applicant can no longer change it until a caseworker
    sends it back. ``started_by`` is that caseworker. Emitted once per application (a resubmission
    goes back into review without it). Notifications tells the applicant it is being reviewed.
    """

    started_by = Id(required=True)
    started_at = UtcDateTime(required=True)


@payload("funding.application.resubmitted", 1)
class ApplicationResubmittedV1(_ApplicationEvent):
    """Funding emits this when the applying organisation resubmits an application a caseworker had
    sent back for changes (``funding.application.changes_requested``).

    The application is complete again and back ``in_review``; ``requested_cents`` is recomputed by
    funding under the programme's current rules and may differ from the first submission's.
    ``comment`` is the applicant's note on what changed (may be empty). Notifications tells the
    caseworkers.
    """

    requested_cents = Money(required=True)
    comment = fields.String(required=True)
    resubmitted_by = Id(required=True)
    resubmitted_at = UtcDateTime(required=True)


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


@payload("funding.application.changes_requested", 1)
class ApplicationChangesRequestedV1(_ApplicationEvent):
    """Funding emits this when a caseworker sends an application in review back to the applicant.

    ``comment`` is the caseworker's explanation of what to change (never empty); the application is
    now ``changes_requested`` until the applicant resubmits. Notifications tells the organisation's
    contact persons.
    """

    comment = fields.String(required=True, validate=validate.Length(min=1))
    requested_by = Id(required=True)
    requested_at = UtcDateTime(required=True)


@payload("funding.application.rejected", 1)
class ApplicationRejectedV1(_ApplicationEvent):
    """Funding emits this when an approver rejects an application (from review or a recommendation).

    ``reasons`` holds at least one non-empty reason in the approver's words; the formal letter stays
    in the portal. No budget was committed. Notifications tells the organisation's contact persons.
    """

    reasons = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    rejected_by = Id(required=True)
    decided_at = UtcDateTime(required=True)


@payload("funding.application.withdrawn", 1)
class ApplicationWithdrawnV1(_ApplicationEvent):
    """Funding emits this when the applying organisation withdraws an open application.

    ``from_state`` is the state it was withdrawn from; nothing was or will be committed for it.
    Notifications confirms the withdrawal to the applicant.
    """

    withdrawn_by = Id(required=True)
    from_state = fields.String(required=True)
    withdrawn_at = UtcDateTime(required=True)
