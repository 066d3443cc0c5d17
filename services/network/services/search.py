"""Search use case: full text over organisations (FTS5 on SQLite, tsvector on PostgreSQL) with facets.

Facet counts follow the usual faceted-search rule: each facet is counted over the results with all
*other* filters applied, so choosing one district still shows how many match in the others.
Where to count (all kept by triggers of migrations 0002_search and 0004_search_tuning, so any
write keeps them right): the unfiltered registry reads ``organization_fts_counts``; on SQLite, a
search reads ``organization_fts_facets`` (one narrow row of one-character facet codes per
organisation, keyed by rowid) in a single pass with no GROUP BY; on PostgreSQL, the matching rows
themselves, whose fields of work and languages are arrays on the row (GIN-indexed for filters).
Result rows are read as plain values, not ORM objects (fewer objects for the garbage collector).

SQLite, measured at 100,000 organisations (bench.search): a text search gets its facet counts and
its page from one statement over one materialised pass of its matches (``_sqlite_text_search``);
a search by filters alone counts in one scan of organization_fts_facets and takes its page from
it too. Grouping ~6 term rows per match (a sort of 200,000 rows for a broad word) and reading
every match's organisation row to order by name were what made broad searches slow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, selectinload

from services.network.domain import search as domain
from services.network.models import (
    Organization,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
    TaxonomyTerm,
)
from services.network.models.registry import ORGANIZATION_STATUSES
from shared.auth import Actor
from shared.errors import Invalid
from shared.languages import invalid_languages

FTS = table("organization_fts", column("rowid"))
TERMS = table(
    "organization_fts_terms", column("org_rowid"), column("facet"), column("value"), column("status")
)
FACET_COLUMNS = {
    "type": "type",
    "district": "district",
    "field_of_work": "fields_of_work",
    "language": "languages",
    "status": "status",
}
CODES = table("organization_fts_codes", column("code"), column("facet"), column("value"))
FACET_ROWS = table(
    "organization_fts_facets", column("org_rowid"), *(column(c) for c in FACET_COLUMNS.values())
)
COUNTS = table("organization_fts_counts", column("facet"), column("value"), column("status"), column("n"))
# The multi-valued facets; on PostgreSQL, the arrays of each organisation's values on its row
# (kept by migration 0004_search_tuning).
ARRAYS = {"field_of_work": "fts_fields_of_work", "language": "fts_languages"}
COLUMNS = {"type": Organization.type, "district": Organization.district, "status": Organization.status}
# A page's rows are read as plain values, never as ORM objects: a page of 20 organisations with
# their term lists was ~150 mapped objects per request, the garbage collector's main food.
ITEM_COLUMNS = [column for column in Organization.__table__.c if column.name in domain.STAFF_FIELDS]
ITEM_LISTS = {
    "fields_of_work": (OrganizationFieldOfWork.organization_id, OrganizationFieldOfWork.term),
    "languages": (OrganizationLanguage.organization_id, OrganizationLanguage.code),
    "target_groups": (OrganizationTargetGroup.organization_id, OrganizationTargetGroup.term),
}
# Built once: constructing and cache-keying these per request cost more than running them.
PAGE_IDS = bindparam("ids", expanding=True)
ITEM_ROWS = select(*ITEM_COLUMNS).where(Organization.id.in_(PAGE_IDS))
ITEM_TERMS = union_all(
    *(
        select(literal(name), owner, term).where(owner.in_(PAGE_IDS))
        for name, (owner, term) in ITEM_LISTS.items()
    )
)


@dataclass
class SearchResult:
    total: int
    items: list[dict[str, Any]]  # the page's organisations, each with every field staff may see
    facets: dict[str, list[dict[str, Any]]]


def search_organizations(session: Session, query: domain.SearchQuery) -> SearchResult:
    labels = _labels(session)
    _check_filters(query, labels)
    if _is_sqlite(session) and (query.text_tokens or any(query.filters.values())):
        search = _sqlite_text_search if query.text_tokens else _sqlite_filter_search
        counted, items = search(session, query)
        facets = {name: _labelled(counted[name], labels.get(name, {})) for name in domain.FACETS}
        return SearchResult(_total(query, facets["status"]), items, facets)
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


def _page(session: Session, query: domain.SearchQuery) -> list[dict[str, Any]]:
    statement = ordered(session, query).with_only_columns(Organization.id)
    return _items(session, list(session.scalars(statement.limit(query.per_page).offset(query.offset))))


def _items(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    """The organisations of a page in the order of ``ids``: two statements, no ORM objects."""
    if not ids:
        return []
    rows = session.execute(ITEM_ROWS, {"ids": ids}).mappings()
    found = {row["id"]: {**row, **{name: [] for name in ITEM_LISTS}} for row in rows}
    for name, owner_id, term in session.execute(ITEM_TERMS, {"ids": ids}):
        found[owner_id][name].append(term)
    for values in found.values():
        for name in ITEM_LISTS:
            values[name].sort()
    return [found[id_] for id_ in ids if id_ in found]


def _total(query: domain.SearchQuery, status_counts: list[dict[str, Any]]) -> int:
    # Status is single-valued and its facet ignores only the status filter, so the chosen
    # statuses' counts add up to the total: one query fewer per search.
    chosen = query.filters.get("status") or ()
    return sum(row["count"] for row in status_counts if not chosen or row["value"] in chosen)


def _in(column: ColumnElement[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    # "= x" rather than "IN (x)": PostgreSQL then walks (status, name) in order for name-sorted pages.
    return column == values[0] if len(values) == 1 else column.in_(values)


def _status(session: Session, query: domain.SearchQuery) -> ColumnElement[str]:
    """organization.status, hidden from the planner when a text or (SQLite) facet filter narrows more.

    Most organisations are verified, so the status index selects little; SQLite would still pick
    it and test 70,000 rows against the matches instead of looking up the few matches (6x slower),
    and PostgreSQL ANDs a 70,000-row bitmap of it with the text index's (EXPLAIN ANALYZE: 20 of
    the 80 ms that found the 6,000 matches of one word). Without text, PostgreSQL walks
    (status, name) for name-ordered pages, so it keeps the index there.
    """
    sqlite = _is_sqlite(session)
    if query.text_tokens or (sqlite and any(query.filters.values())):
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
    if name in ARRAYS:
        return literal_column(f"organization.{ARRAYS[name]}").op("&&")(cast(list(values), ARRAY(Text)))
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
    if not query.text_tokens and not any(query.filters.values()):
        return _stored_counts(session, names, query.visible_statuses)
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


def _sqlite_filter_search(
    session: Session, query: domain.SearchQuery
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Facet counts and one page of a search by facet filters alone (SQLite), from one pass over
    organization_fts_facets (one narrow row per organisation).

    Facet values are one-character codes (organization_fts_codes). Each facet is a group_concat of
    the codes of the matches passing all *other* filters (a CASE per facet), counted here with
    str.count per code: no GROUP BY, so SQLite sorts nothing, and Python makes no object per match.
    The same pass lists the rowids passing every filter, so the page needs no second scan
    (measured: a third less time for a two-filter search at 100,000 organisations).
    """
    codes = _sqlite_codes(session)
    tests = _sqlite_tests(query, codes)
    where = _sqlite_where(query, codes)
    if len(tests) >= 2:
        # A row counts somewhere only if it fails at most one filter, so it passes at least one.
        where.append(or_(*tests.values()))
    columns = []
    for name in domain.FACETS:
        others = [test for other, test in tests.items() if other != name]
        value = FACET_ROWS.c[FACET_COLUMNS[name]]
        columns.append(func.group_concat(case((and_(*others), value)) if others else value, ""))
    passing = func.group_concat(case((and_(*tests.values()), FACET_ROWS.c.org_rowid)), ",")
    *joined_codes, rowids = session.execute(select(*columns, passing).where(*where)).one()
    counted: dict[str, list[Any]] = {}
    for name, joined in zip(domain.FACETS, joined_codes, strict=True):
        joined = joined or ""
        counted[name] = [(value, joined.count(char)) for value, char in codes[name].items()]
    return counted, _sqlite_filtered_page(session, query, rowids or "")


def code_char(code: int) -> str:
    """The character of an organization_fts_codes code (as CODE_CHAR in migration 0002_search)."""
    return chr(256 + code if code < 55040 else 2304 + code)


def _sqlite_codes(session: Session) -> dict[str, dict[str, str]]:
    codes: dict[str, dict[str, str]] = {name: {} for name in domain.FACETS}
    for facet, value, code in session.execute(select(CODES.c.facet, CODES.c.value, CODES.c.code)):
        codes.setdefault(facet, {})[value] = code_char(code)
    return codes


def _sqlite_where(query: domain.SearchQuery, codes: dict[str, dict[str, str]]) -> list[ColumnElement[bool]]:
    """Visibility and full text (organization_fts joined) on organization_fts_facets rows."""
    where: list[ColumnElement[bool]] = []
    if query.visible_statuses is not None:
        visible = [codes["status"][s] for s in query.visible_statuses if s in codes["status"]]
        where.append(FACET_ROWS.c.status.in_(visible))
    if query.text_tokens:
        where.append(_fts5_match(query.text))
    return where


def _sqlite_tests(
    query: domain.SearchQuery, codes: dict[str, dict[str, str]]
) -> dict[str, ColumnElement[bool]]:
    """Each filtered facet's test on organization_fts_facets rows."""
    return {name: _sqlite_test(name, values, codes[name]) for name, values in query.filters.items() if values}


def _sqlite_test(name: str, values: Iterable[str], codes: dict[str, str]) -> ColumnElement[bool]:
    """Whether an organization_fts_facets row has one of the values (lists: one of their codes)."""
    chars = [codes[value] for value in values if value in codes]
    value = FACET_ROWS.c[FACET_COLUMNS[name]]
    if not chars:
        return false()
    if name not in ARRAYS:
        return value.in_(chars)
    return or_(*(func.instr(value, char) > 0 for char in chars))


def _sqlite_text_search(
    session: Session, query: domain.SearchQuery
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Facet counts and one page of a text search from a single pass over the matches (SQLite).

    A materialised CTE holds each match's rank and, per facet, its code when the match passes every
    *other* filter. One statement then yields both the facet counts (a group_concat per facet, as
    in ``_sqlite_facet_counts``) and the page: ordering every match by (rank, name, id) would read
    every match's organisation row for its name, so only matches ranked no worse than the
    (offset + per_page)-th are joined to their organisation and sorted, which gives the same page.
    """
    codes = _sqlite_codes(session)
    tests = _sqlite_tests(query, codes)
    where = _sqlite_where(query, codes)
    if len(tests) >= 2:
        where.append(or_(*tests.values()))
    values = []
    for name in domain.FACETS:
        others = [test for other, test in tests.items() if other != name]
        value = FACET_ROWS.c[FACET_COLUMNS[name]]
        values.append((case((and_(*others), value)) if others else value).label(name))
    rank = func.bm25(literal_column("organization_fts"), 10.0, 1.0, 2.0, 2.0)
    if tests:
        # Only matches passing every filter are ranked (and on the page); the rest only count.
        rank = case((and_(*tests.values()), rank))
    hits = (
        select(FTS.c.rowid.label("org_rowid"), rank.label("rank"), *values)
        .select_from(FTS)
        .join(FACET_ROWS, FACET_ROWS.c.org_rowid == FTS.c.rowid)
        .where(*where)
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    last = (
        select(hits.c.rank)
        .where(hits.c.rank.is_not(None))
        .order_by(hits.c.rank)
        .limit(1)
        .offset(query.offset + query.per_page - 1)
        .scalar_subquery()
    )
    page = (
        select(Organization.id, Organization.name, hits.c.rank)
        .join(hits, hits.c.org_rowid == literal_column("organization.rowid"))
        # Fewer matches than the page's end: every match (bm25 is never near 1e308).
        .where(hits.c.rank <= func.coalesce(last, 1e308))
        .order_by(hits.c.rank, Organization.name, Organization.id)
        .limit(query.per_page)
        .offset(query.offset)
        .subquery("page")
    )
    nothing = [literal(None)] * len(domain.FACETS)
    statement = union_all(
        select(page.c.id, page.c.name, page.c.rank, *nothing),
        select(
            literal(None),
            literal(None),
            literal(None),
            *(func.group_concat(hits.c[name], "") for name in domain.FACETS),
        ),
    )
    ordered_ids: list[tuple[float, str, str]] = []
    counted: dict[str, list[Any]] = {name: [] for name in domain.FACETS}
    for id_, name, rank_value, *joined in session.execute(statement):
        if id_ is not None:
            ordered_ids.append((rank_value, name, id_))
            continue
        for facet, text in zip(domain.FACETS, joined, strict=True):
            counted[facet] = [(value, (text or "").count(char)) for value, char in codes[facet].items()]
    # The page's rows in their SQL order (Python orders str by code point, as BINARY orders UTF-8).
    return counted, _items(session, [id_ for _, _, id_ in sorted(ordered_ids)])


def _sqlite_filtered_page(session: Session, query: domain.SearchQuery, rowids: str) -> list[dict[str, Any]]:
    """One page of the organisations with these rowids (comma-separated), in name order."""
    if not rowids:
        return []
    matching = func.json_each(f"[{rowids}]").table_valued("value")
    statement = (
        select(Organization.id)
        .where(literal_column("organization.rowid").in_(select(matching.c.value)))
        .order_by(Organization.name, Organization.id)
        .limit(query.per_page)
        .offset(query.offset)
    )
    return _items(session, list(session.scalars(statement)))


def _sqlite_having(facet: str, values: Iterable[str]) -> Select[Any]:
    other = TERMS.alias("having_term")
    return select(other.c.org_rowid).where(other.c.facet == facet, other.c.value.in_(list(values)))


def _stored_counts(
    session: Session, names: list[str], statuses: tuple[str, ...] | None
) -> dict[str, list[Any]]:
    """Counts the triggers of migration 0002_search keep for the unfiltered registry (one statement)."""
    statement = select(COUNTS.c.facet, COUNTS.c.value, func.sum(COUNTS.c.n)).where(COUNTS.c.facet.in_(names))
    if statuses is not None:
        statement = statement.where(COUNTS.c.status.in_(statuses))
    counted: dict[str, list[Any]] = {name: [] for name in names}
    for facet, value, count in session.execute(statement.group_by(COUNTS.c.facet, COUNTS.c.value)):
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
