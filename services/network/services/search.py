"""Search use case: full text over organisations (FTS5 on SQLite, tsvector on PostgreSQL) with facets.

Facet counts follow the usual faceted-search rule: each facet is counted over the results with all
*other* filters applied, so choosing one district still shows how many match in the others.
Where to count (all kept by triggers of migration 0002_search, so any write keeps them right):
the unfiltered registry reads ``organization_fts_counts``; on SQLite, a search reads the narrow,
integer-keyed ``organization_fts_terms``; on PostgreSQL, the tables themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from services.network.domain import search as domain
from services.network.domain.languages import invalid_languages
from services.network.models import (
    Organization,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    TaxonomyTerm,
)
from services.network.models.registry import ORGANIZATION_STATUSES
from services.network.services import organizations
from shared.auth import Actor
from shared.errors import Invalid

FTS = table("organization_fts", column("rowid"))
TERMS = table(
    "organization_fts_terms", column("org_rowid"), column("facet"), column("value"), column("status")
)
COUNTS = table("organization_fts_counts", column("facet"), column("value"), column("status"), column("n"))
ASSOCIATIONS = {
    "field_of_work": (OrganizationFieldOfWork, OrganizationFieldOfWork.term),
    "language": (OrganizationLanguage, OrganizationLanguage.code),
}
COLUMNS = {"type": Organization.type, "district": Organization.district, "status": Organization.status}


@dataclass
class SearchResult:
    total: int
    items: list[Organization]
    facets: dict[str, list[dict[str, Any]]]


def search_organizations(session: Session, query: domain.SearchQuery) -> SearchResult:
    labels = _labels(session)
    _check_filters(query, labels)
    facets = _facets(session, query, labels)
    return SearchResult(_total(query, facets["status"]), _page(session, query), facets)


def conditions(session: Session, query: domain.SearchQuery, text: bool = True) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a query: visibility, full text and every facet filter."""
    where: list[ColumnElement[bool]] = []
    if query.visible_statuses is not None:
        where.append(_in(_status(session, query), query.visible_statuses))
    if text and domain.tokens(query.text):
        where.append(_text_match(session, query.text))
    for name, values in query.filters.items():
        if values:
            where.append(_facet_filter(session, name, values))
    return where


def ordered(session: Session, query: domain.SearchQuery) -> Select[tuple[Organization]]:
    """Matching organisations, best match first, then by name (and id, so pages never overlap)."""
    by_name = (Organization.name, Organization.id)
    if not domain.tokens(query.text):
        return select(Organization).where(*conditions(session, query)).order_by(*by_name)
    if not _is_sqlite(session):
        document = literal_column("organization.fts_document")
        rank = func.ts_rank_cd(document, func.to_tsquery("german", domain.tsquery(query.text)))
        return select(Organization).where(*conditions(session, query)).order_by(rank.desc(), *by_name)
    # bm25 is lower for better matches; a hit in the name weighs ten times one in the description.
    rank = func.bm25(literal_column("organization_fts"), 10.0, 1.0, 2.0, 2.0)
    return (
        select(Organization)
        .join(FTS, FTS.c.rowid == literal_column("organization.rowid"))
        .where(_fts5_match(query.text), *conditions(session, query, text=False))
        .order_by(rank, *by_name)
    )


def with_terms(statement: Select[tuple[Organization]]) -> Select[tuple[Organization]]:
    return statement.options(
        selectinload(Organization.fields_of_work),
        selectinload(Organization.languages),
        selectinload(Organization.target_groups),
    )


def _page(session: Session, query: domain.SearchQuery) -> list[Organization]:
    statement = with_terms(ordered(session, query)).limit(query.per_page).offset(query.offset)
    return list(session.scalars(statement))


def _total(query: domain.SearchQuery, status_counts: list[dict[str, Any]]) -> int:
    # Status is single-valued and its facet ignores only the status filter, so the chosen
    # statuses' counts add up to the total: one query fewer per search.
    chosen = query.filters.get("status") or ()
    return sum(row["count"] for row in status_counts if not chosen or row["value"] in chosen)


def _in(column: ColumnElement[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    # "= x" rather than "IN (x)": PostgreSQL then walks (status, name) in order for name-sorted pages.
    return column == values[0] if len(values) == 1 else column.in_(values)


def _status(session: Session, query: domain.SearchQuery) -> ColumnElement[str]:
    """organization.status, hidden from SQLite's planner when a text or facet filter narrows more.

    Most organisations are verified, so the status index selects little; SQLite would still pick
    it and test 70,000 rows against the matches instead of looking up the few matches (6x slower).
    """
    narrowed = bool(query.text_tokens or any(query.filters.values()))
    if narrowed and _is_sqlite(session):
        return Organization.status.concat("")
    return Organization.status


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _fts5_match(text: str) -> ColumnElement[bool]:
    return literal_column("organization_fts").op("MATCH")(domain.fts5_query(text))


def _text_match(session: Session, text: str) -> ColumnElement[bool]:
    if _is_sqlite(session):
        return literal_column("organization.rowid").in_(select(FTS.c.rowid).where(_fts5_match(text)))
    document = literal_column("organization.fts_document")
    return document.op("@@")(func.to_tsquery("german", domain.tsquery(text)))


def _facet_filter(session: Session, name: str, values: Iterable[str]) -> ColumnElement[bool]:
    if _is_sqlite(session) and name != "status":
        return literal_column("organization.rowid").in_(_sqlite_having(name, values))
    if name in ASSOCIATIONS:
        model, term = ASSOCIATIONS[name]
        return Organization.id.in_(select(model.organization_id).where(term.in_(list(values))))
    return COLUMNS[name].in_(list(values))


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
    if not query.text_tokens and not query.filters:
        return {name: _stored_counts(session, name, query.visible_statuses) for name in names}
    if _is_sqlite(session):
        return _sqlite_counts(session, query, names)
    return _live_counts(session, query, names)


def _live_counts(session: Session, query: domain.SearchQuery, names: list[str]) -> dict[str, list[Any]]:
    """One statement for a group of facets: the matches are found once (a CTE used several times
    is materialised by PostgreSQL) and grouped per facet."""
    columns = (Organization.id, Organization.type, Organization.district, Organization.status)
    hits = select(*columns).where(*conditions(session, query)).cte("hits")
    parts = []
    for name in names:
        if name in ASSOCIATIONS:
            model, term = ASSOCIATIONS[name]
            # OFFSET 0 keeps the planner from hashing the whole association table: one index
            # lookup per match is far cheaper for the few thousand matches of a typical search.
            of_hit = select(term.label("value")).where(model.organization_id == hits.c.id).offset(0).lateral()
            joined = (
                select(literal(name), of_hit.c.value, func.count()).select_from(hits).join(of_hit, true())
            )
            parts.append(joined.group_by(of_hit.c.value))
        else:
            parts.append(select(literal(name), hits.c[name], func.count()).group_by(hits.c[name]))
    counted: dict[str, list[Any]] = {name: [] for name in names}
    for facet, value, count in session.execute(union_all(*parts)):
        counted[facet].append((value, count))
    return counted


def _sqlite_counts(session: Session, query: domain.SearchQuery, names: list[str]) -> dict[str, list[Any]]:
    """All requested facets in one pass over organization_fts_terms (integer rowids, narrow rows)."""
    # Every organisation has exactly one "type" row, which also carries its status.
    facets = {"type" if name == "status" else name for name in names}
    # facet || '' hides the facet index, so SQLite probes by rowid from the (small) match lists.
    statement = select(TERMS.c.facet, TERMS.c.value, TERMS.c.status, func.count()).where(
        TERMS.c.facet.concat("").in_(facets)
    )
    if query.visible_statuses is not None:
        statement = statement.where(TERMS.c.status.in_(query.visible_statuses))
    if query.text_tokens:
        statement = statement.where(TERMS.c.org_rowid.in_(select(FTS.c.rowid).where(_fts5_match(query.text))))
    for facet, values in query.filters.items():
        if facet == "status":
            statement = statement.where(TERMS.c.status.in_(values))
        elif values:
            statement = statement.where(TERMS.c.org_rowid.in_(_sqlite_having(facet, values)))
    tallies: dict[str, Counter[str]] = {name: Counter() for name in names}
    for facet, value, status, count in session.execute(
        statement.group_by(TERMS.c.facet, TERMS.c.value, TERMS.c.status)
    ):
        if facet in tallies:
            tallies[facet][value] += count
        if facet == "type" and "status" in tallies:
            tallies["status"][status] += count
    return {name: list(tally.items()) for name, tally in tallies.items()}


def _sqlite_having(facet: str, values: Iterable[str]) -> Select[Any]:
    other = TERMS.alias("having_term")
    return select(other.c.org_rowid).where(other.c.facet == facet, other.c.value.in_(list(values)))


def _stored_counts(session: Session, name: str, statuses: tuple[str, ...] | None) -> list[tuple[str, int]]:
    """Counts the triggers of migration 0002_search keep for the unfiltered registry."""
    statement = select(COUNTS.c.value, func.sum(COUNTS.c.n)).where(COUNTS.c.facet == name)
    if statuses is not None:
        statement = statement.where(COUNTS.c.status.in_(statuses))
    return list(session.execute(statement.group_by(COUNTS.c.value)))


def _labelled(rows: list[Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    counted = sorted(
        ((value, int(count)) for value, count in rows if value and count), key=lambda r: (-r[1], r[0])
    )
    return [{"value": value, "label": labels.get(value, value), "count": count} for value, count in counted]


def _labels(session: Session) -> dict[str, dict[str, str]]:
    """Known values per facet with their German labels (taxonomy vocabularies, statuses)."""
    vocabularies = {vocabulary: facet for facet, vocabulary in domain.FACETS.items() if vocabulary}
    labels: dict[str, dict[str, str]] = {facet: {} for facet in vocabularies.values()}
    terms = select(TaxonomyTerm).where(TaxonomyTerm.vocabulary.in_(vocabularies))
    for term in session.scalars(terms):
        labels[vocabularies[term.vocabulary]][term.key] = term.label_de
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
        "items": [hit(organization, shown) for organization in result.items],
        "facets": result.facets,
    }


def hit(organization: Organization, shown: frozenset[str]) -> dict[str, Any]:
    values = {name: getattr(organization, name) for name in shown if hasattr(Organization, name)}
    values.update(organizations.lists(organization))
    return values


def query_from(
    args: dict[str, Any], actor: Actor | None, page: int = 1, per_page: int = 20
) -> domain.SearchQuery:
    filters = {name: tuple(args.get(name) or ()) for name in domain.FACETS if args.get(name)}
    return domain.SearchQuery(args.get("q", ""), filters, domain.visible_statuses(actor), page, per_page)
