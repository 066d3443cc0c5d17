"""HTTP schemas of KI events and registrations; times are given and shown in Europe/Berlin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, validate

from services.network.domain.ki_events import in_berlin, uid

LANGUAGE = fields.String(validate=validate.Regexp(r"^[a-z]{2,3}$", error="an ISO 639-1 code such as de"))
TERM = fields.String(validate=validate.Length(min=1, max=120))
BERLIN_TIME = "Europe/Berlin; without an offset the time is taken as Berlin time"
_URL = validate.URL(schemes={"https", "http"}, error="not a web address (https://…)")


def _url_or_empty(value: str) -> None:
    if value:
        _URL(value)


def _berlin(name: str) -> fields.Function:
    def shown(event: Any) -> str:
        value: datetime = getattr(event, name)
        return in_berlin(value).isoformat()

    return fields.Function(shown, metadata={"description": "Europe/Berlin, ISO 8601 with offset"})


class KiEventChangeSchema(Schema):
    title = fields.String(validate=validate.Length(min=1, max=300))
    description = fields.String(validate=validate.Length(max=20_000))
    starts_at = fields.DateTime(metadata={"description": BERLIN_TIME})
    ends_at = fields.DateTime(metadata={"description": BERLIN_TIME})
    place = fields.String(validate=validate.Length(max=300))
    online_url = fields.String(validate=[validate.Length(max=500), _url_or_empty])
    languages = fields.List(LANGUAGE, validate=validate.Length(max=20))
    capacity = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=100_000))
    topics = fields.List(TERM, validate=validate.Length(max=50))
    districts = fields.List(TERM, validate=validate.Length(max=100))


class KiEventCreateSchema(KiEventChangeSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    starts_at = fields.DateTime(required=True, metadata={"description": BERLIN_TIME})
    ends_at = fields.DateTime(required=True, metadata={"description": BERLIN_TIME})
    place = fields.String(load_default="", validate=validate.Length(max=300))
    online_url = fields.String(
        load_default="", validate=[validate.Length(max=500), _url_or_empty], metadata={"description": "link"}
    )
    languages = fields.List(LANGUAGE, load_default=lambda: ["de"], validate=validate.Length(max=20))
    capacity = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=100_000)
    )
    topics = fields.List(TERM, load_default=lambda: ["ki_events"], validate=validate.Length(max=50))
    districts = fields.List(TERM, load_default=list, validate=validate.Length(max=100))


class KiEventSchema(Schema):
    id = fields.String()
    uid = fields.Function(lambda event: uid(event.id))
    title = fields.String()
    description = fields.String()
    starts_at = _berlin("starts_at")
    ends_at = _berlin("ends_at")
    place = fields.String()
    online_url = fields.String()
    languages = fields.List(fields.String())
    capacity = fields.Integer(allow_none=True)
    topics = fields.List(fields.String())
    districts = fields.List(fields.String())
    status = fields.String(metadata={"description": "draft, published, cancelled"})
    sequence = fields.Integer()


class RegistrationRequestSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    language = fields.String(load_default="de", validate=validate.Regexp(r"^[a-z]{2,3}$"))


class RegistrationSchema(Schema):
    id = fields.String()
    event_id = fields.String()
    status = fields.String(metadata={"description": "confirmed, waitlisted, cancelled"})
    position = fields.Integer(allow_none=True, metadata={"description": "place on the waiting list"})


class NewRegistrationSchema(RegistrationSchema):
    cancel_token = fields.String(metadata={"description": "keep it: cancels without an account"})


class StaffRegistrationSchema(RegistrationSchema):
    name = fields.String()
    email = fields.String()
    language = fields.String()
    created_at = fields.AwareDateTime()


class CancelQuerySchema(Schema):
    token = fields.String(load_default="", validate=validate.Length(max=2000))
