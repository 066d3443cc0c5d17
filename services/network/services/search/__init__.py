"""Search use case: full text over organisations (FTS5 on SQLite, tsvector on PostgreSQL) with facets.

Facet counts follow the usual faceted-search rule: each facet is counted over the results with all
*other* filters applied, so choosing one district still shows how many match in the others.
Where to count (all kept by triggers of migrations 0002_search and 0004_search_tuning, so any
write keeps them right): the unfiltered registry reads ``organization_fts_counts``; on SQLite, a
search reads ``organization_fts_facets`` (one narrow row of one-character facet codes per
organisation, keyed by rowid) with no GROUP BY; on PostgreSQL, the matching rows
themselves, whose fields of work and languages are arrays on the row (GIN-indexed for filters).
Result rows are read as plain values, not ORM objects (fewer objects for the garbage collector).
Every count is exact and every page is in the order ``ordered`` gives.

SQLite, measured at 100,000 organisations (bench.search): a text search gets its facet counts and
its page from one statement over one materialised pass of its matches (``sqlite._text_search``),
except a staff search with no filter, which ranks from the FTS index alone
(``sqlite._unrestricted_text_search``); a search by filters alone counts in at most two passes
over the organisations of its most selective filters, found by index (``sqlite._filter_search``),
and takes its page from the first. Grouping ~6 term rows per match (a sort of 200,000 rows for a
broad word) and reading every match's organisation row to order by name were what made broad
searches slow; bm25 itself (~0.6 µs per ranked match, mostly FTS5 reading each match's length)
is now the largest part of a broad text search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal, literal_column, select, true, union_all
from sqlalchemy.orm import Session

from services.network.domain import search as domain
from services.network.models import Organization, TaxonomyTerm
from services.network.models.registry import ORGANIZATION_STATUSES
from services.network.services.search import sqlite
from services.network.services.search.statements import (
    ARRAYS,
    conditions,
    is_sqlite,
    page,
    stored_counts,
)
from shared.auth import Actor
from shared.errors import Invalid
from shared.languages import invalid_languages


@dataclass
class SearchResult:
    total: int
    items: list[dict[str, Any]]  # the page's organisations, each with every field staff may see
    facets: dict[str, list[dict[str, Any]]]


def search_organizations(session: Session, query: domain.SearchQuery) -> SearchResult:
    labels = _labels(session)
    _check_filters(query, labels)
    if is_sqlite(session) and (query.text_tokens or any(query.filters.values())):
        counted, items = sqlite.search(session, query)
        facets = {name: _labelled(counted[name], labels.get(name, {})) for name in domain.FACETS}
        return SearchResult(_total(query, facets["status"]), items, facets)
    facets = _facets(session, query, labels)
    return SearchResult(_total(query, facets["status"]), page(session, query), facets)


def _total(query: domain.SearchQuery, status_counts: list[dict[str, Any]]) -> int:
    # Status is single-valued and its facet ignores only the status filter, so the chosen
    # statuses' counts add up to the total: one query fewer per search.
    chosen = query.filters.get("status") or ()
    return sum(row["count"] for row in status_counts if not chosen or row["value"] in chosen)


def _facets(
    session: Session, query: domain.SearchQuery, labels: dict[str, dict[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    # Facets whose "other filters" are the same (all those without a selection) share one count.
    groups: dict[tuple[Any, ...], list[str]] = {}
    for name in domain.FACETS:
        groups.setdefault(tuple(sorted(query.without(name).filters.items())), []).append(name)
    facets = {}
    for names in groups.values():
        counted = _counts(session, query.without(names[0]), names)
        facets.update({name: _labelled(counted[name], labels.get(name, {})) for name in names})
    return facets


def _counts(session: Session, query: domain.SearchQuery, names: list[str]) -> dict[str, list[Any]]:
    if not query.text_tokens and not any(query.filters.values()):
        return stored_counts(session, names, query.visible_statuses)
    return _live_counts(session, query, names)


def _live_counts(session: Session, query: domain.SearchQuery, names: list[str]) -> dict[str, list[Any]]:
    """One statement for a group of facets (PostgreSQL): the matches are found once (a CTE used
    several times is materialised) and grouped per facet; the multi-valued facets come as arrays
    on the matches' own rows, so no match is looked up in an association table."""
    arrays = [literal_column(f"organization.{ARRAYS[name]}").label(name) for name in names if name in ARRAYS]
    columns = (Organization.id, Organization.type, Organization.district, Organization.status, *arrays)
    hits = select(*columns).where(*conditions(session, query)).cte("hits")
    parts = []
    for name in names:
        if name in ARRAYS:
            value = func.unnest(hits.c[name]).table_valued("value").render_derived()
            joined = select(literal(name), value.c.value, func.count()).select_from(hits).join(value, true())
            parts.append(joined.group_by(value.c.value))
        else:
            parts.append(select(literal(name), hits.c[name], func.count()).group_by(hits.c[name]))
    counted: dict[str, list[Any]] = {name: [] for name in names}
    for facet, value, count in session.execute(union_all(*parts)):
        counted[facet].append((value, count))
    return counted


def _labelled(rows: list[Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    counted = sorted(
        ((value, int(count)) for value, count in rows if value and count), key=lambda r: (-r[1], r[0])
    )
    return [{"value": value, "label": labels.get(value, value), "count": count} for value, count in counted]


def _labels(session: Session) -> dict[str, dict[str, str]]:
    """Known values per facet with their German labels (taxonomy vocabularies, statuses)."""
    vocabularies = {vocabulary: facet for facet, vocabulary in domain.FACETS.items() if vocabulary}
    labels: dict[str, dict[str, str]] = {facet: {} for facet in vocabularies.values()}
    terms = select(TaxonomyTerm.vocabulary, TaxonomyTerm.key, TaxonomyTerm.label_de)
    for vocabulary, key, label in session.execute(terms.where(TaxonomyTerm.vocabulary.in_(vocabularies))):
        labels[vocabularies[vocabulary]][key] = label
    labels["status"] = {status: status for status in ORGANIZATION_STATUSES}
    return labels


def _check_filters(query: domain.SearchQuery, labels: dict[str, dict[str, str]]) -> None:
    errors: dict[str, list[str]] = {}
    for name, values in query.filters.items():
        if name == "language":
            unknown = invalid_languages(list(values))
        else:
            unknown = domain.unknown_values(values, set(labels.get(name, {})))
        if unknown:
            errors[name] = [f"unknown value: {value}" for value in unknown]
    if errors:
        raise Invalid(errors)


def search_view(session: Session, query: domain.SearchQuery, actor: Actor | None) -> dict[str, Any]:
    """One page of results as the caller may see them, with facets and paging figures."""
    domain.check_page(query.page, query.per_page)
    result = search_organizations(session, query)
    shown = domain.visible_fields(actor)
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": -(-result.total // query.per_page),
        "items": [hit(item, shown) for item in result.items],
        "facets": result.facets,
    }


def hit(item: dict[str, Any], shown: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in item.items() if name in shown}


def query_from(
    args: dict[str, Any], actor: Actor | None, page: int = 1, per_page: int = 20
) -> domain.SearchQuery:
    filters = {name: tuple(args.get(name) or ()) for name in domain.FACETS if args.get(name)}
    return domain.SearchQuery(args.get("q", ""), filters, domain.visible_statuses(actor), page, per_page)
