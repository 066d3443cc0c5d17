"""Search use case: full text over organisations (FTS5 on SQLite, tsvector on PostgreSQL) with facets.

Facet counts follow the usual faceted-search rule: each facet is counted over the results with all
*other* filters applied, so choosing one district still shows how many match in the others.
Where to count (all kept by triggers of migrations 0002_search and 0006_postgres_search, so any
write keeps them right): the unfiltered registry reads ``organization_fts_counts``; a search
reads ``organization_fts_facets``, one narrow row of one-character facet codes per organisation
(``organization_fts_codes``), and joins each facet's codes with no GROUP BY. Result rows are read
as plain values, not ORM objects (fewer objects for the garbage collector). Every count is exact
and every page is in the order ``ordered`` gives (the export's).

SQLite, measured at 100,000 organisations (bench.search): a text search gets its facet counts and
its page from one statement over one materialised pass of its matches (``sqlite._text_search``),
except a staff search with no filter, which ranks from the FTS index alone
(``sqlite._unrestricted_text_search``); a search by filters alone counts in at most two passes
over the organisations of its most selective filters, found by index (``sqlite._filter_search``),
and takes its page from the first. Grouping ~6 term rows per match (a sort of 200,000 rows for a
broad word) and reading every match's organisation row to order by name were what made broad
searches slow; bm25 itself (~0.6 µs per ranked match, mostly FTS5 reading each match's length)
is now the largest part of a broad text search.

PostgreSQL, measured the same way: a search by text or by filters that are not status alone gets
its counts and its page from one statement over one materialised pass of its matches, found by
the GIN index on the narrow rows' document or on their codes (``postgres.search``). Reading the
wide, scattered organisation rows (19,000 pages for a broad word's 30,000 matches), unnesting
their term arrays to GROUP BY them, one pass per facet group and ranking matches no filter left
on the page were what made searches slow, and so were generic plans of prepared statements;
ts_rank_cd (~0.55 µs per ranked match) is now the largest part of a broad text search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.network.domain import search as domain
from services.network.models import TaxonomyTerm
from services.network.models.registry import ORGANIZATION_STATUSES
from services.network.services.search import postgres, sqlite
from services.network.services.search.statements import is_sqlite, page, stored_counts
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
    if query.text_tokens or any(query.filters.values()):
        counted, items = (sqlite if is_sqlite(session) else postgres).search(session, query)
    else:  # the unfiltered registry: the counts the triggers keep
        counted = stored_counts(session, list(domain.FACETS), query.visible_statuses)
        items = page(session, query)
    facets = {name: _labelled(counted[name], labels.get(name, {})) for name in domain.FACETS}
    return SearchResult(_total(query, facets["status"]), items, facets)


def _total(query: domain.SearchQuery, status_counts: list[dict[str, Any]]) -> int:
    # Status is single-valued and its facet ignores only the status filter, so the chosen
    # statuses' counts add up to the total: one query fewer per search.
    chosen = query.filters.get("status") or ()
    return sum(row["count"] for row in status_counts if not chosen or row["value"] in chosen)


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
