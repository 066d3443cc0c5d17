"""Payloads of network's resync events: its full picture of each contact person, on request."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events.fields import Id, Language, UtcDateTime
from shared.events.network_engagement import DIGEST_CHOICES
from shared.events.registry import PayloadSchema, payload


@payload("network.contact.snapshot", 1)
class ContactSnapshotV1(PayloadSchema):
    """Network emits one of these per contact person (not erased) when a consumer asks it to
    re-publish everything (task ``network.publish_contact_snapshots``), e.g. for a new or repaired
    notifications database; and one for a single person whose organisations changed (created, an
    affiliation added or removed; ``resync_id`` is then ``affiliation-change``, and
    ``preferences_url`` is left out: the one the consumer holds stays valid).

    The consumer replaces what it holds about ``contact_id``: address, language, organisations
    (``organization_ids``), and the subscription: ``topics``/``districts`` (empty when the person
    has no active subscription), ``consent_confirmed_at`` (UTC; null without a confirmed opt-in) and
    ``consent_source`` (how it was given, e.g. ``double_opt_in``). ``preferences_url`` is the signed
    link to the preference page; ``digest`` (optional) the delivery choice as in
    ``network.contact.subscribed``. ``resync_id`` names the request the snapshot answers.
    """

    resync_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    contact_id = Id(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True)
    language = Language(required=True)
    organization_ids = fields.List(Id(), required=True)
    topics = fields.List(fields.String(), required=True)
    districts = fields.List(fields.String(), required=True)
    consent_confirmed_at = UtcDateTime(required=True, allow_none=True)
    consent_source = fields.String(required=True)
    preferences_url = fields.Url(required=False, require_tld=False)
    digest = fields.String(required=False, validate=validate.OneOf(DIGEST_CHOICES))
