"""Field types used by every payload schema, defined once."""

from __future__ import annotations

from marshmallow import fields, validate


def Money(**kwargs: object) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An amount in euro cents: an integer, never a float, never negative."""
    return fields.Integer(strict=True, validate=validate.Range(min=0), **kwargs)


def Id(**kwargs: object) -> fields.UUID:  # noqa: N802
    return fields.UUID(**kwargs)


def UtcDateTime(**kwargs: object) -> fields.AwareDateTime:  # noqa: N802
    return fields.AwareDateTime(**kwargs)


def Language(**kwargs: object) -> fields.String:  # noqa: N802
    """An ISO 639-1 language code such as ``de``, ``tr`` or ``ar``."""
    return fields.String(validate=validate.Regexp(r"^[a-z]{2,3}$"), **kwargs)
