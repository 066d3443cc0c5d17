"""HTTP schemas of GDPR requests: the machine-readable export and the erasure request."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ExportedContactSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    phone = fields.String()
    language = fields.String()
    created_at = fields.AwareDateTime()
    erased_at = fields.AwareDateTime(allow_none=True)


class ExportedAffiliationSchema(Schema):
    organization_id = fields.String()
    organization_name = fields.String()
    function = fields.String()


class ExportedConsentSchema(Schema):
    id = fields.Integer()
    purpose = fields.String()
    method = fields.String(metadata={"description": "form, import, in_person"})
    text_version = fields.String()
    proof = fields.String(metadata={"description": "JSON text: how the consent was given"})
    given_at = fields.AwareDateTime()
    withdrawn_at = fields.AwareDateTime(allow_none=True)


class ExportedSubscriptionSchema(Schema):
    topics = fields.List(fields.String())
    districts = fields.List(fields.String())
    pending_topics = fields.List(fields.String(), allow_none=True)
    pending_districts = fields.List(fields.String(), allow_none=True)
    requested_at = fields.AwareDateTime(allow_none=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
    unsubscribed_at = fields.AwareDateTime(allow_none=True)


class ExportedRegistrationSchema(Schema):
    id = fields.String()
    event_id = fields.String()
    event_title = fields.String()
    event_starts_at = fields.AwareDateTime()
    name = fields.String()
    email = fields.String()
    language = fields.String()
    status = fields.String()
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)


class ExportedChangeSchema(Schema):
    organization_id = fields.String()
    field = fields.String()
    old_value = fields.String()
    new_value = fields.String()
    actor_id = fields.String()
    changed_at = fields.AwareDateTime()


class ExportedUserSchema(Schema):
    id = fields.String()
    email = fields.String()
    roles = fields.List(fields.String())


class ContactExportSchema(Schema):
    """Everything network holds about one contact person (GDPR Art. 15 and 20)."""

    format = fields.String(metadata={"description": "teilhabe.network.contact-export/1"})
    exported_at = fields.AwareDateTime()
    contact = fields.Nested(ExportedContactSchema)
    affiliations = fields.List(fields.Nested(ExportedAffiliationSchema))
    consents = fields.List(fields.Nested(ExportedConsentSchema))
    subscription = fields.Nested(ExportedSubscriptionSchema, allow_none=True)
    ki_event_registrations = fields.List(fields.Nested(ExportedRegistrationSchema))
    change_history = fields.List(
        fields.Nested(ExportedChangeSchema),
        metadata={"description": "organisation history entries naming the person"},
    )
    user_accounts = fields.List(
        fields.Nested(ExportedUserSchema), metadata={"description": "sign-in accounts with the same email"}
    )


class ErasureRequestSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class ErasureSchema(Schema):
    contact_id = fields.String()
    erased_at = fields.AwareDateTime()
    reason = fields.String()
