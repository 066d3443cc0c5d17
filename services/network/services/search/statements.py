"""The statements both engines share: the search tables kept by triggers (migrations
0002_search, 0004_search_tuning, 0006_postgres_search), the filter conditions, the order of
results, the rows of a page, the facet codes and the stored counts of the unfiltered registry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
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
)

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


# One narrow row per organisation with its facet codes. SQLite (0002_search) keys it by rowid;
# PostgreSQL (0006_postgres_search) by id, with the name, document and every code (GIN) as well.
FACET_ROWS = table(
    "organization_fts_facets",
    column("org_rowid"),
    *(column(c) for c in FACET_COLUMNS.values()),
    column("id"),
    column("name"),
    column("document"),
    column("codes", ARRAY(Integer)),
)


COUNTS = table("organization_fts_counts", column("facet"), column("value"), column("status"), column("n"))


StoredCounts = dict[tuple[str, str, str], int]  # organization_fts_counts: (facet, value, status) -> n


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


# group_concat separators as SQL literals: bound as parameters, they made a 30,000-row
# group_concat 70 % slower (bench.search, SQLite 3.40).
NOTHING, COMMA = literal_column("''"), literal_column("','")


# Built once: constructing and cache-keying these per request cost more than running them.
PAGE_IDS = bindparam("ids", expanding=True)


ITEM_ROWS = select(*ITEM_COLUMNS).where(Organization.id.in_(PAGE_IDS))


ITEM_TERMS = union_all(
    *(
        select(literal(name), owner, term).where(owner.in_(PAGE_IDS))
        for name, (owner, term) in ITEM_LISTS.items()
    )
)


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
    if not is_sqlite(session):
        document = literal_column("organization.fts_document")
        rank = func.ts_rank_cd(document, func.to_tsquery("german", domain.tsquery(query.text)))
        return select(Organization).where(*conditions(session, query)).order_by(rank.desc(), *by_name)
    return (
        select(Organization)
        .join(FTS, FTS.c.rowid == literal_column("organization.rowid"))
        .where(fts5_match(query.text), *conditions(session, query, text=False))
        .order_by(bm25(), *by_name)
    )


def bm25() -> ColumnElement[float]:
    # bm25 is lower for better matches; a hit in the name weighs ten times one in the description.
    return func.bm25(literal_column("organization_fts"), 10.0, 1.0, 2.0, 2.0)


def with_terms(statement: Select[tuple[Organization]]) -> Select[tuple[Organization]]:
    return statement.options(
        selectinload(Organization.fields_of_work),
        selectinload(Organization.languages),
        selectinload(Organization.target_groups),
    )


def page(session: Session, query: domain.SearchQuery) -> list[dict[str, Any]]:
    statement = ordered(session, query).with_only_columns(Organization.id)
    return items(session, list(session.scalars(statement.limit(query.per_page).offset(query.offset))))


def items(session: Session, ids: list[str]) -> list[dict[str, Any]]:
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
    sqlite = is_sqlite(session)
    if query.text_tokens or (sqlite and any(query.filters.values())):
        return Organization.status.concat("")
    return Organization.status


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def fts5_match(text: str) -> ColumnElement[bool]:
    return literal_column("organization_fts").op("MATCH")(domain.fts5_query(text))


def _text_match(session: Session, text: str) -> ColumnElement[bool]:
    if is_sqlite(session):
        return literal_column("organization.rowid").in_(select(FTS.c.rowid).where(fts5_match(text)))
    document = literal_column("organization.fts_document")
    return document.op("@@")(func.to_tsquery("german", domain.tsquery(text)))


def _facet_filter(session: Session, name: str, values: Iterable[str]) -> ColumnElement[bool]:
    if is_sqlite(session) and name != "status":
        return literal_column("organization.rowid").in_(_sqlite_having(name, values))
    if name in ARRAYS:
        return literal_column(f"organization.{ARRAYS[name]}").op("&&")(cast(list(values), ARRAY(Text)))
    return COLUMNS[name].in_(list(values))


def code_char(code: int) -> str:
    """The character of an organization_fts_codes code (as CODE_CHAR in migration 0002_search)."""
    return chr(256 + code if code < 55040 else 2304 + code)


def facet_codes(session: Session) -> dict[str, dict[str, str]]:
    """Each facet's values with the characters that stand for them in organization_fts_facets."""
    codes: dict[str, dict[str, str]] = {name: {} for name in domain.FACETS}
    for facet, value, code in session.execute(select(CODES.c.facet, CODES.c.value, CODES.c.code)):
        codes.setdefault(facet, {})[value] = code_char(code)
    return codes


def counted_codes(
    codes: dict[str, dict[str, str]], names: Iterable[str], joined_codes: Iterable[str | None]
) -> dict[str, list[Any]]:
    """Per facet, how often each value's character occurs in the codes joined for it."""
    counted: dict[str, list[Any]] = {}
    for name, joined in zip(names, joined_codes, strict=True):
        joined = joined or ""
        counted[name] = [(value, joined.count(char)) for value, char in codes[name].items()]
    return counted


def code_number(char: str) -> int:
    """The code a character of ``code_char`` stands for."""
    point = ord(char)
    return point - 256 if point < 256 + 55040 else point - 2304


def _sqlite_having(facet: str, values: Iterable[str]) -> Select[Any]:
    other = TERMS.alias("having_term")
    return select(other.c.org_rowid).where(other.c.facet == facet, other.c.value.in_(list(values)))


def stored_counts(
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


def stored_rows(session: Session) -> StoredCounts:
    """Every stored count by (facet, value, status): a few hundred rows."""
    statement = select(COUNTS.c.facet, COUNTS.c.value, COUNTS.c.status, COUNTS.c.n)
    return {(facet, value, status): n for facet, value, status, n in session.execute(statement)}


def stored_sum(
    stored: StoredCounts,
    facet: str,
    values: Iterable[str] | None,
    statuses: Iterable[str] | None,
) -> int:
    """How many organisations with these statuses have one of the values (None: any); an
    organisation with two of the values of a multi-valued facet counts twice."""
    return sum(
        n
        for (name, value, status), n in stored.items()
        if name == facet and (values is None or value in values) and (statuses is None or status in statuses)
    )


def stored_facet(stored: StoredCounts, name: str, query: domain.SearchQuery) -> list[tuple[str, int]]:
    """A facet's counts when its other filters are at most a status filter (from stored counts)."""
    visible = query.visible_statuses
    chosen = query.filters.get("status") if name != "status" else None
    counted: dict[str, int] = {}
    for (facet, value, status), n in stored.items():
        if facet == name and (visible is None or status in visible) and (not chosen or status in chosen):
            counted[value] = counted.get(value, 0) + n
    return list(counted.items())
