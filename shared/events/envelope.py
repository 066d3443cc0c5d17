"""The one envelope every event travels in, and its strict schema."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

TYPE_PATTERN = r"^[a-z_]+\.[a-z_]+\.[a-z_]+$"


class InvalidEvent(ValueError):
    """An envelope or payload that does not validate; ``errors`` names each bad field."""

    def __init__(self, errors: dict[str, Any], envelope: dict[str, Any] | None = None) -> None:
        super().__init__(f"invalid event: {errors}")
        self.errors = errors
        self.envelope = envelope


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(TYPE_PATTERN))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.String(required=True, validate=validate.Length(min=1))
    correlation_id = fields.String(required=True, validate=validate.Length(min=1))
    data = fields.Dict(required=True, keys=fields.String())


@dataclass(frozen=True)
class Envelope:
    """An event as plain JSON-ready values, the same on both sides of the broker."""

    type: str
    version: int
    producer: str
    data: dict[str, Any]
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def occurred(self) -> datetime:
        """``occurred_at`` as a time: when the producer made the event (its order among events)."""
        return datetime.fromisoformat(self.occurred_at)


def parse_envelope(raw: object) -> Envelope:
    """Check the envelope itself (not the payload); raises InvalidEvent naming the fields."""
    if not isinstance(raw, dict):
        raise InvalidEvent({"_schema": ["envelope must be a JSON object"]})
    try:
        EnvelopeSchema().load(raw)
    except ValidationError as exc:
        raise InvalidEvent(exc.normalized_messages(), raw) from exc
    return Envelope(**raw)
