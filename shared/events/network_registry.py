"""Payloads of network's registry events: organisations and contact persons."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.events.fields import Id, Language
from shared.events.registry import PayloadSchema, payload


@payload("network.organization.registered", 1)
class OrganizationRegisteredV1(PayloadSchema):
    """Network emits this when an organisation enters the registry: created by staff, or
    self-registered and its contact email confirmed (then it waits in the verification queue).

    No consumer relies on it yet; it is a fact of the registry's history.
    """

    organization_id = Id(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)
    self_registered = fields.Boolean(required=True)


@payload("network.organization.verified", 1)
class OrganizationVerifiedV1(PayloadSchema):
    """Network emits this when staff verify an organisation: from now on it may apply for funding.

    Funding keeps it in its local read model of eligible organisations.
    """

    organization_id = Id(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)


@payload("network.organization.suspended", 1)
class OrganizationSuspendedV1(PayloadSchema):
    """Network emits this when staff suspend a verified organisation (with a reason).

    Funding marks it not eligible: it cannot submit applications until reactivated.
    """

    organization_id = Id(required=True)
    reason = fields.String(required=True)


@payload("network.organization.reactivated", 1)
class OrganizationReactivatedV1(PayloadSchema):
    """Network emits this when staff lift a suspension: the organisation is verified again.

    Funding marks it eligible again (same fields as ``verified``, so it can upsert).
    """

    organization_id = Id(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)
    reason = fields.String(required=True)


@payload("network.organization.archived", 1)
class OrganizationArchivedV1(PayloadSchema):
    """Network emits this when staff archive an organisation (dissolved, no longer a partner).

    Funding marks it not eligible; existing applications stay as they are.
    """

    organization_id = Id(required=True)
    reason = fields.String(required=True)


@payload("network.organization.merged", 1)
class OrganizationMergedV1(PayloadSchema):
    """Network emits this when staff merge a duplicate into a surviving organisation.

    The merged organisation is archived; funding treats it as not eligible from now on.
    """

    surviving_id = Id(required=True)
    merged_id = Id(required=True)


@payload("network.organization.changed", 1)
class OrganizationChangedV1(PayloadSchema):
    """Network emits this with an organisation's current profile whenever it enters the registry
    or its name, district, languages or status change (and once per organisation on a resync,
    ``network.publish_contact_snapshots``).

    Notifications keeps it to write to the organisation's contact persons in a language the
    organisation offers when no template exists in the person's own (person → organisation →
    German). ``languages`` are the ISO 639 codes the organisation offers, sorted (network keeps
    no preference order among them); the consumer replaces what it holds, unless it holds a later
    one (by ``occurred_at``). Unconfirmed self-registrations are not in the registry: no event.
    """

    organization_id = Id(required=True)
    name = fields.String(required=True)
    district = fields.String(required=True)
    languages = fields.List(Language(), required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["registered", "verified", "suspended", "archived"])
    )


@payload("network.organization.registration_requested", 1)
class OrganizationRegistrationRequestedV1(PayloadSchema):
    """Network emits this when an organisation registers itself without an account.

    Notifications emails ``confirm_url`` (double opt-in) to the contact person; only after the
    link is opened does the organisation enter the staff verification queue.
    """

    organization_id = Id(required=True)
    organization_name = fields.String(required=True)
    contact_name = fields.String(required=True)
    email = fields.Email(required=True)
    language = Language(required=True)
    confirm_url = fields.Url(required=True, require_tld=False)


@payload("network.contact.updated", 1)
class ContactUpdatedV1(PayloadSchema):
    """Network emits this when a contact person's name, email or preferred language changes.

    Notifications updates its copy of the recipient, if it has one.
    """

    contact_id = Id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1))
    email = fields.Email(required=True)
    language = Language(required=True)
