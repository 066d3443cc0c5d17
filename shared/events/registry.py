"""Versioned payload schemas, one per (type, version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import EXCLUDE, Schema

from shared.events.envelope import InvalidEvent

_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}


class PayloadSchema(Schema):
    """Base of every payload: unknown fields are ignored so adding an optional one is compatible."""

    class Meta:
        unknown = EXCLUDE


def payload(event_type: str, version: int) -> Callable[[type[Schema]], type[Schema]]:
    """Register the decorated schema as the payload of ``(event_type, version)``."""

    def register(schema: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _SCHEMAS:
            raise ValueError(f"payload schema for {key} registered twice")
        _SCHEMAS[key] = schema
        return schema

    return register


def registered() -> list[tuple[str, int]]:
    return sorted(_SCHEMAS)


def get_schema(event_type: str, version: int) -> Schema:
    try:
        return _SCHEMAS[(event_type, version)]()
    except KeyError:
        raise InvalidEvent({"type": [f"unknown event type {event_type!r} version {version}"]}) from None


def validate_payload(event_type: str, version: int, data: dict[str, Any]) -> None:
    errors = get_schema(event_type, version).validate(data)
    if errors:
        raise InvalidEvent({"data": errors})
