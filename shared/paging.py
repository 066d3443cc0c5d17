"""Paged lists in every service's API: ``page``/``per_page`` in the query, one page of items in the
body, the number of all matches in the ``X-Total-Count`` header."""

from __future__ import annotations

from typing import Any, Generic, NamedTuple, TypeVar

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_PER_PAGE = 100
T = TypeVar("T")


class PageQuerySchema(Schema):
    """Query fields of a paged list; a list's own filters extend it."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class Page(NamedTuple, Generic[T]):
    items: list[T]
    total: int


def page_of(session: Session, query: Select[Any], page: int, per_page: int) -> Page[Any]:
    """One page of an ordered ``query``, and how many rows match it in all."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return Page(list(session.scalars(query.limit(per_page).offset((page - 1) * per_page))), total)


def total_header(what: str) -> dict[str, Any]:
    """The OpenAPI description of the ``X-Total-Count`` response header."""
    return {
        "X-Total-Count": {"description": f"how many {what} match the filters", "schema": {"type": "integer"}}
    }
