"""Search rules without a database: what a query means, who sees which organisations and fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.auth import Actor
from shared.errors import Invalid

# Facet name -> taxonomy vocabulary its values come from (None: checked by format or a fixed list).
FACETS: dict[str, str | None] = {
    "type": "organization_type",
    "district": "district",
    "field_of_work": "field_of_work",
    "language": None,
    "status": None,
}
MAX_PER_PAGE = 100
# Deeper pages than this are for the export, not for scrolling: OFFSET cost grows with depth.
MAX_OFFSET = 10_000
MAX_TOKENS = 10
_WORD = re.compile(r"\w+", re.UNICODE)

PUBLIC_FIELDS = frozenset(
    {
        "id", "name", "legal_form", "type", "postal_code", "city", "municipality", "district",
        "website", "description", "fields_of_work", "languages", "target_groups",
    }
)  # fmt: skip
# Business contact data of the organisation itself, shown to signed-in users; never contact persons.
MEMBER_FIELDS = PUBLIC_FIELDS | {"street", "email", "phone"}
STAFF_FIELDS = MEMBER_FIELDS | {"status", "created_at", "updated_at"}


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # None: every status; otherwise only these (the caller's visibility).
    visible_statuses: tuple[str, ...] | None = ("verified",)
    page: int = 1
    per_page: int = 20

    @property
    def text_tokens(self) -> list[str]:
        return tokens(self.text)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def without(self, facet: str) -> SearchQuery:
        """The same query minus one facet's filter: that facet's counts show the alternatives."""
        filters = {name: values for name, values in self.filters.items() if name != facet}
        return SearchQuery(self.text, filters, self.visible_statuses, self.page, self.per_page)


def tokens(text: str) -> list[str]:
    """The words of a query, lower-cased; punctuation and FTS operators are dropped."""
    return [word.casefold() for word in _WORD.findall(text)][:MAX_TOKENS]


def fts5_query(text: str) -> str:
    """An FTS5 MATCH expression: every word must occur, the last one as a prefix (type-ahead)."""
    words = tokens(text)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery(text: str) -> str:
    """A PostgreSQL to_tsquery expression with the same meaning as ``fts5_query``."""
    words = tokens(text)
    if not words:
        return ""
    words[-1] += ":*"
    return " & ".join(words)


def visible_statuses(actor: Actor | None) -> tuple[str, ...] | None:
    """Staff see every status; everyone else (applicants, anonymous) only verified organisations."""
    return None if actor is not None and actor.is_staff else ("verified",)


def visible_fields(actor: Actor | None) -> frozenset[str]:
    if actor is None:
        return PUBLIC_FIELDS
    return STAFF_FIELDS if actor.is_staff else MEMBER_FIELDS


def unknown_values(values: tuple[str, ...], known: set[str]) -> list[str]:
    return [value for value in values if value not in known]


def check_page(page: int, per_page: int) -> None:
    if (page - 1) * per_page > MAX_OFFSET:
        raise Invalid(
            {"page": [f"pages beyond result {MAX_OFFSET} are not served; narrow the search or export"]}
        )
