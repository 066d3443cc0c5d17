"""HTTP schemas of the registry: organisations, registrations, contacts, consents, taxonomies."""

from __future__ import annotations

import json

from marshmallow import Schema, fields, validate

SHORT = validate.Length(max=200)


def _empty_or(validator: validate.Validator) -> object:
    """An optional field may be cleared with an empty string; otherwise it must validate."""

    def check(value: str) -> str:
        return value if value == "" else validator(value)

    return check


class OrganizationInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=300))
    legal_form = fields.String(validate=validate.Length(max=80))
    type = fields.String(validate=validate.Length(max=80))
    street = fields.String(validate=SHORT)
    postal_code = fields.String(validate=validate.Regexp(r"^(\d{5})?$", error="five digits"))
    city = fields.String(validate=validate.Length(max=120))
    municipality = fields.String(validate=validate.Length(max=120))
    district = fields.String(validate=validate.Length(max=120))
    email = fields.String(validate=[validate.Length(max=320), _empty_or(validate.Email())])
    phone = fields.String(
        validate=validate.Regexp(r"^[0-9+()/ \-]{0,40}$", error="digits, spaces, + ( ) / -")
    )
    website = fields.String(
        allow_none=True,
        validate=[validate.Length(max=300), _empty_or(validate.URL(schemes={"http", "https"}))],
    )
    description = fields.String(validate=validate.Length(max=5000))
    fields_of_work = fields.List(
        fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=30)
    )
    languages = fields.List(fields.String(validate=validate.Length(max=8)), validate=validate.Length(max=40))
    target_groups = fields.List(
        fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=30)
    )


class OrganizationUpdateSchema(OrganizationInputSchema):
    name = fields.String(validate=validate.Length(min=2, max=300))


class OrganizationSchema(Schema):
    id = fields.String()
    name = fields.String()
    legal_form = fields.String()
    type = fields.String()
    street = fields.String()
    postal_code = fields.String()
    city = fields.String()
    municipality = fields.String()
    district = fields.String()
    email = fields.String()
    phone = fields.String()
    website = fields.String()
    description = fields.String()
    fields_of_work = fields.List(fields.String())
    languages = fields.List(fields.String())
    target_groups = fields.List(fields.String())
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    email_confirmed_at = fields.DateTime(allow_none=True)
    merged_into_id = fields.String(allow_none=True)


class OrganizationListQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(("registered", "verified", "suspended", "archived")))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class StatusChangeSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class ReasonRequiredSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class ChangeSchema(Schema):
    field = fields.String()
    old_value = fields.Function(lambda change: _json(change.old_value))
    new_value = fields.Function(lambda change: _json(change.new_value))
    note = fields.String()
    actor_id = fields.String()
    changed_at = fields.DateTime()


class DuplicateSchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    reasons = fields.List(fields.String())
    name_similarity = fields.Float()


class QueueEntrySchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    duplicates = fields.List(fields.Nested(DuplicateSchema))


class MergeSchema(Schema):
    duplicate_id = fields.String(required=True, validate=validate.Length(equal=36))


class OrganizationRegistrationContactSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    phone = fields.String(load_default="", validate=validate.Regexp(r"^[0-9+()/ \-]{0,40}$"))
    language = fields.String(load_default="de", validate=validate.Length(min=2, max=8))
    function = fields.String(load_default="", validate=SHORT)


class OrganizationRegistrationSchema(Schema):
    organization = fields.Nested(OrganizationInputSchema, required=True)
    contact = fields.Nested(OrganizationRegistrationContactSchema, required=True)
    consent_given = fields.Boolean(
        required=True, validate=validate.Equal(True, error="please agree to the data protection notice")
    )
    consent_text_version = fields.String(required=True, validate=validate.Length(min=1, max=40))


class OrganizationRegistrationReceiptSchema(Schema):
    organization_id = fields.String()
    status = fields.String()
    email_confirmed = fields.Boolean()
    message = fields.String()


class ConfirmQuerySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=2000))


class ConsentInputSchema(Schema):
    purpose = fields.String(required=True, validate=validate.Length(min=2, max=120))
    method = fields.String(required=True, validate=validate.OneOf(("form", "import", "in_person")))
    text_version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    proof = fields.String(load_default="", validate=validate.Length(max=5000))


class ConsentSchema(Schema):
    id = fields.Integer()
    purpose = fields.String()
    method = fields.String()
    text_version = fields.String()
    proof = fields.String()
    given_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)


class AffiliationInputSchema(Schema):
    organization_id = fields.String(required=True, validate=validate.Length(equal=36))
    function = fields.String(load_default="", validate=SHORT)


class FunctionSchema(Schema):
    function = fields.String(load_default="", validate=SHORT)


class AffiliationSchema(Schema):
    organization_id = fields.String()
    function = fields.String()


class ContactInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    phone = fields.String(load_default="", validate=validate.Regexp(r"^[0-9+()/ \-]{0,40}$"))
    language = fields.String(load_default="de", validate=validate.Length(min=2, max=8))
    affiliations = fields.List(fields.Nested(AffiliationInputSchema), load_default=list)


class ContactUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=2, max=200))
    email = fields.Email(validate=validate.Length(max=320))
    phone = fields.String(validate=validate.Regexp(r"^[0-9+()/ \-]{0,40}$"))
    language = fields.String(validate=validate.Length(min=2, max=8))


class ContactSchema(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    phone = fields.String()
    language = fields.String()
    affiliations = fields.List(fields.Nested(AffiliationSchema))
    consents = fields.Function(
        lambda contact: ConsentSchema(many=True).dump([c for c in contact.consents if c.withdrawn_at is None])
    )


class ContactListQuerySchema(Schema):
    organization_id = fields.String(validate=validate.Length(equal=36))


class TermInputSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=80))
    label_de = fields.String(required=True, validate=validate.Length(min=1, max=200))
    label_en = fields.String(load_default="", validate=SHORT)
    position = fields.Integer(validate=validate.Range(min=0, max=100_000))


class TermUpdateSchema(Schema):
    label_de = fields.String(validate=validate.Length(min=1, max=200))
    label_en = fields.String(validate=SHORT)
    position = fields.Integer(validate=validate.Range(min=0, max=100_000))
    active = fields.Boolean()


class TermSchema(Schema):
    vocabulary = fields.String()
    key = fields.String()
    label_de = fields.String()
    label_en = fields.String()
    position = fields.Integer()
    active = fields.Boolean()


class TermListQuerySchema(Schema):
    include_inactive = fields.Boolean(load_default=False)


def _json(text: str) -> object:
    return json.loads(text) if text else None
