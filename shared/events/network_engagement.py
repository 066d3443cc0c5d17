"""Payloads of network's engagement events: subscriptions, KI events and erasure of a person."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events.fields import Id, Language, UtcDateTime
from shared.events.registry import PayloadSchema, payload


@payload("network.contact.optin_requested", 1)
class ContactOptinRequestedV1(PayloadSchema):
    """Network emits this when someone asks to subscribe (public form, no account).

    Notifications emails ``confirm_url`` to ``email`` (double opt-in); nothing is sent to the person
    on any topic until network emits ``network.contact.subscribed``. ``preferences_url`` is the
    signed link to the preference page, for the email's footer.
    """

    contact_id = Id(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    language = Language(required=True)
    confirm_url = fields.Url(required=True, require_tld=False)
    preferences_url = fields.Url(required=False, require_tld=False)


# How a subscriber wants newsletter mail: each message on its own, or collected once a day/week.
DIGEST_CHOICES = ("none", "daily", "weekly")


@payload("network.contact.subscribed", 1)
class ContactSubscribedV1(PayloadSchema):
    """Network emits this when a contact person's subscription is confirmed (double opt-in) or changed.

    It carries what notifications needs to address the person without asking network: the full,
    current topics and districts (replace, don't merge), and (optional) ``preferences_url``, the
    signed link to the person's preference page that every topic email should carry, and
    (optional, added later in v1, absent means "none") ``digest``: "none" for each newsletter
    message on its own, "daily" or "weekly" for one digest per Berlin day or week instead.
    """

    contact_id = Id(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    language = Language(required=True)
    topics = fields.List(fields.String(), required=True)
    districts = fields.List(fields.String(), required=True)
    organization_ids = fields.List(Id(), required=True)
    preferences_url = fields.Url(required=False, require_tld=False)
    digest = fields.String(required=False, validate=validate.OneOf(DIGEST_CHOICES))


@payload("network.contact.unsubscribed", 1)
class ContactUnsubscribedV1(PayloadSchema):
    """Network emits this when a person unsubscribes from every topic (preference page or staff).

    ``removed_topics`` are the topics the person no longer receives; after this event the person
    receives no topic mail at all. A change that keeps some topics is a ``network.contact.subscribed``
    with the remaining ones. Mail a person gets as an organisation's contact (e.g. decisions) is not
    a subscription and continues.
    """

    contact_id = Id(required=True)
    email = fields.Email(required=True)
    removed_topics = fields.List(fields.String(), required=True)


@payload("network.contact.erased", 1)
class ContactErasedV1(PayloadSchema):
    """Network emits this after erasing a contact person on request (GDPR Art. 17).

    Every consumer deletes or anonymises what it holds about ``contact_id`` and never addresses the
    person again. It carries no personal data on purpose.
    """

    contact_id = Id(required=True)


class _KiEventV1(PayloadSchema):
    id = Id(required=True)
    uid = fields.String(required=True)
    title = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    place = fields.String(required=True)
    online_url = fields.String(required=True)
    topics = fields.List(fields.String(), required=True)
    districts = fields.List(fields.String(), required=True)
    languages = fields.List(Language(), required=True)
    sequence = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


@payload("network.event.published", 1)
class KiEventPublishedV1(_KiEventV1):
    """Network emits this when staff publish a KI event (training, network meeting, info session).

    ``uid`` is the event's stable iCalendar UID and ``sequence`` its RFC 5545 SEQUENCE; times are UTC
    (show them in Europe/Berlin). ``place`` or ``online_url`` may be empty, never both.
    """


@payload("network.event.updated", 1)
class KiEventUpdatedV1(_KiEventV1):
    """Network emits this when staff change a published KI event; ``sequence`` grew by one, so a
    calendar entry with the same ``uid`` and a lower sequence is replaced."""


@payload("network.event.cancelled", 1)
class KiEventCancelledV1(_KiEventV1):
    """Network emits this when staff cancel a published KI event; ``sequence`` grew by one."""


@payload("network.event.registration_changed", 1)
class KiEventRegistrationChangedV1(PayloadSchema):
    """Network emits this whenever a participant of a KI event should hear about their place.

    ``reason``: ``registered`` (new registration, ``status`` confirmed or waitlisted with
    ``position``), ``moved_up`` (a seat became free: now confirmed), ``cancelled`` (the participant
    cancelled), ``event_updated`` (``sequence`` grew: time or place may have changed),
    ``event_cancelled`` (staff cancelled the event). Notifications emails the participant;
    ``cancel_url`` is the signed link to give the place back (absent once cancelled). Times are UTC.
    """

    registration_id = Id(required=True)
    event_id = Id(required=True)
    uid = fields.String(required=True)
    sequence = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    title = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    place = fields.String(required=True)
    online_url = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.Email(required=True)
    language = Language(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["confirmed", "waitlisted", "cancelled"]))
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["registered", "moved_up", "cancelled", "event_updated", "event_cancelled"]),
    )
    position = fields.Integer(allow_none=True, load_default=None)
    cancel_url = fields.Url(required=False, require_tld=False)
