"""SQLite's fast paths (FTS5 and the narrow facet table), measured at 100,000 organisations
(bench.search): see the package's docstring."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from services.network.domain import search as domain
from services.network.models import Organization
from services.network.services.search.statements import (
    ARRAYS,
    COMMA,
    FACET_COLUMNS,
    FACET_ROWS,
    FTS,
    NOTHING,
    TERMS,
    StoredCounts,
    bm25,
    counted_codes,
    facet_codes,
    fts5_match,
    items,
    page,
    stored_facet,
    stored_rows,
    stored_sum,
)


def search(session: Session, query: domain.SearchQuery) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    if not query.text_tokens:
        return _filter_search(session, query)
    if query.visible_statuses is None and not any(query.filters.values()):
        return _unrestricted_text_search(session, query)
    return _text_search(session, query)


def _filter_search(
    session: Session, query: domain.SearchQuery
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Facet counts and one page of a search by facet filters alone (SQLite).

    Facet values are one-character codes (organization_fts_codes). Each facet is a group_concat of
    the codes of the matches passing all *other* filters (a CASE per facet), counted here with
    str.count per code: no GROUP BY, so SQLite sorts nothing, and Python makes no object per match.

    Those matches all pass the most selective other filter that is not status (the facet's
    driver), so a count reads only the driver's organisations, found by organization_fts_terms'
    index, in one pass per driver (at most two); a driver matching much of the registry is
    scanned instead (``_drivers``). A facet whose other filters are at most status takes the
    counts the triggers keep. The first pass also lists the rowids passing every filter, so the
    page needs no further pass. Measured at 100,000 organisations (bench.search): two filters
    took 19 ms as one scan of organization_fts_facets and take 10 ms as two driven passes.
    """
    codes = facet_codes(session)
    tests = _tests(query, codes)
    stored = stored_rows(session)
    drivers = _drivers(query, stored)
    counted = {name: stored_facet(stored, name, query) for name in domain.FACETS if name not in drivers}
    passes: dict[str | None, list[str]] = {}
    for name, driver in drivers.items():
        passes.setdefault(driver, []).append(name)
    rowids = None
    for driver, names in passes.items():
        statement = _pass(query, codes, tests, driver, names, page=rowids is None)
        *joined_codes, passing = session.execute(statement).one()
        counted.update(counted_codes(codes, names, joined_codes))
        if rowids is None:
            rowids = passing or ""
    if rowids is None:  # filtered by status alone: a page as of the unfiltered registry
        return counted, page(session, query)
    return counted, _filtered_page(session, query, rowids, stored_sum(stored, "status", None, None))


def _drivers(query: domain.SearchQuery, stored: StoredCounts) -> dict[str, str | None]:
    """Per facet counted live, the filter whose organisations its count reads (None: scan them all).

    Facets left out have at most a status filter among their other filters: stored counts serve them.
    """
    estimates = {
        name: stored_sum(stored, name, values, query.visible_statuses)
        for name, values in query.filters.items()
        if values and name != "status"
    }
    registry = stored_sum(stored, "status", None, None)
    drivers: dict[str, str | None] = {}
    for name in domain.FACETS:
        others = [other for other in estimates if other != name]
        if others:
            best = min(others, key=estimates.__getitem__)
            drivers[name] = best if estimates[best] <= DRIVEN_SHARE * registry else None
    return drivers


def _pass(
    query: domain.SearchQuery,
    codes: dict[str, dict[str, str]],
    tests: dict[str, ColumnElement[bool]],
    driver: str | None,
    names: list[str],
    page: bool,
) -> Select[Any]:
    """One pass over organization_fts_facets: the codes counted for ``names`` and, for the page,
    the rowids passing every filter; over the driver's organisations or (None) every one."""
    where = _where(query, codes)
    if driver is not None:
        where.append(FACET_ROWS.c.org_rowid.in_(_driven(driver, query)))
    elif len(tests) >= 2:
        # A row counts somewhere only if it fails at most one filter, so it passes at least one.
        where.append(or_(*tests.values()))
    passing = case((and_(*tests.values()), FACET_ROWS.c.org_rowid)) if page else literal(None)
    return select(*_count_columns(tests, names), func.group_concat(passing, COMMA)).where(*where)


def _driven(name: str, query: domain.SearchQuery) -> Select[Any]:
    """The rowids of the visible organisations having one of the filter's values (an index range)."""
    driven = select(TERMS.c.org_rowid).where(TERMS.c.facet == name, TERMS.c.value.in_(query.filters[name]))
    if query.visible_statuses is not None:
        driven = driven.where(TERMS.c.status.in_(query.visible_statuses))
    return driven


def _count_columns(tests: dict[str, ColumnElement[bool]], names: Iterable[str]) -> list[Any]:
    """Per facet, a group_concat of the codes of the rows passing every *other* filter."""
    columns = []
    for name in names:
        others = [test for other, test in tests.items() if other != name]
        value = FACET_ROWS.c[FACET_COLUMNS[name]]
        columns.append(func.group_concat(case((and_(*others), value)) if others else value, NOTHING))
    return columns


def _where(query: domain.SearchQuery, codes: dict[str, dict[str, str]]) -> list[ColumnElement[bool]]:
    """Visibility and full text (organization_fts joined) on organization_fts_facets rows."""
    where: list[ColumnElement[bool]] = []
    if query.visible_statuses is not None:
        visible = [codes["status"][s] for s in query.visible_statuses if s in codes["status"]]
        where.append(FACET_ROWS.c.status.in_(visible))
    if query.text_tokens:
        where.append(fts5_match(query.text))
    return where


def _tests(query: domain.SearchQuery, codes: dict[str, dict[str, str]]) -> dict[str, ColumnElement[bool]]:
    """Each filtered facet's test on organization_fts_facets rows."""
    return {name: _test(name, values, codes[name]) for name, values in query.filters.items() if values}


def _test(name: str, values: Iterable[str], codes: dict[str, str]) -> ColumnElement[bool]:
    """Whether an organization_fts_facets row has one of the values (lists: one of their codes)."""
    chars = [codes[value] for value in values if value in codes]
    value = FACET_ROWS.c[FACET_COLUMNS[name]]
    if not chars:
        return false()
    if name not in ARRAYS:
        return value.in_(chars)
    return or_(*(func.instr(value, char) > 0 for char in chars))


def _text_search(
    session: Session, query: domain.SearchQuery
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Facet counts and one page of a text search from a single pass over the matches (SQLite).

    A materialised CTE holds each match's rank and, per facet, its code when the match passes every
    *other* filter. One statement then yields both the facet counts (a group_concat per facet, as
    in ``_count_columns``) and the page: ordering every match by (rank, name, id) would read
    every match's organisation row for its name, so only matches ranked no worse than the
    (offset + per_page)-th are joined to their organisation and sorted, which gives the same page.
    """
    codes = facet_codes(session)
    tests = _tests(query, codes)
    where = _where(query, codes)
    if len(tests) >= 2:
        where.append(or_(*tests.values()))
    values = []
    for name in domain.FACETS:
        others = [test for other, test in tests.items() if other != name]
        value = FACET_ROWS.c[FACET_COLUMNS[name]]
        values.append((case((and_(*others), value)) if others else value).label(name))
    rank = bm25()
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
            *(func.group_concat(hits.c[name], NOTHING) for name in domain.FACETS),
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
    return counted, items(session, [id_ for _, _, id_ in sorted(ordered_ids)])


def _unrestricted_text_search(
    session: Session, query: domain.SearchQuery
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Facet counts and one page of a text search seeing every status with no filter (staff).

    Nothing but the text restricts the ranking, so it reads the FTS index alone (no facet rows
    joined, no matches materialised) and a second pass joins the matches' facet rows for the
    counts. Measured for a word in 30,000 of 100,000 organisations (bench.search): 44 ms as one
    ``_text_search`` statement, 33 ms as these two (bm25 itself is 20 of them).
    """
    codes = facet_codes(session)
    counts = (
        select(*_count_columns({}, domain.FACETS))
        .select_from(FTS)
        .join(FACET_ROWS, FACET_ROWS.c.org_rowid == FTS.c.rowid)
        .where(fts5_match(query.text))
    )
    counted = counted_codes(codes, domain.FACETS, session.execute(counts).one())
    return counted, items(session, _ranked_ids(session, query))


def _ranked_ids(session: Session, query: domain.SearchQuery) -> list[str]:
    """The page's ids by bm25, then name and id, from a bounded sort of the FTS matches (SQLite)."""
    ids, complete = _ranked_page(session, query, query.offset + query.per_page + TIE_MARGIN)
    if not complete:  # the page's last rank is tied past the rows read: rank every match
        ids, _ = _ranked_page(session, query, None)
    return ids


def _ranked_page(session: Session, query: domain.SearchQuery, limit: int | None) -> tuple[list[str], bool]:
    """The page's ids among the ``limit`` best-ranked matches, and whether those held every match
    ranked no worse than the page's last one (only those may be on the page once names break ties)."""
    best = (
        select(FTS.c.rowid.label("org_rowid"), bm25().label("score"))
        .where(fts5_match(query.text))
        .order_by(literal_column("score"))
        .limit(limit)
        .cte("best")
        .prefix_with("MATERIALIZED")
    )
    last = (
        select(best.c.score)
        .order_by(best.c.score)
        .limit(1)
        .offset(query.offset + query.per_page - 1)
        .scalar_subquery()
    )
    read = select(func.count()).select_from(best).scalar_subquery()
    worst = select(func.max(best.c.score)).scalar_subquery()
    statement = (
        select(Organization.id, read, worst, last)
        .join(best, best.c.org_rowid == literal_column("organization.rowid"))
        # Fewer matches than the page's end: every match (bm25 is never near 1e308).
        .where(best.c.score <= func.coalesce(last, 1e308))
        .order_by(best.c.score, Organization.name, Organization.id)
        .limit(query.per_page)
        .offset(query.offset)
    )
    rows = session.execute(statement).all()
    # An empty page has fewer matches than its offset, so nothing past the rows read either.
    complete = not rows or limit is None or rows[0][1] < limit or rows[0][2] != rows[0][3]
    return [row[0] for row in rows], complete


def _filtered_page(
    session: Session, query: domain.SearchQuery, rowids: str, registry: int
) -> list[dict[str, Any]]:
    """One page of the organisations with these rowids (comma-separated), in name order.

    SQLite reads the rowids' organisations and sorts them, unless walking the name index until the
    page is full reads fewer: about (page end) x registry / matches entries (measured for 70,000
    matches: 27 ms sorted, 8 ms walked; for 1,100, 1.6 ms sorted).
    """
    if not rowids:
        return []
    matching = func.json_each(f"[{rowids}]").table_valued("value")
    walk = (query.offset + query.per_page) * registry < (rowids.count(",") + 1) ** 2
    # A unary + keeps SQLite from looking the rowids up, so it walks ix_organization_name instead.
    rowid = literal_column("+organization.rowid" if walk else "organization.rowid")
    statement = (
        select(Organization.id)
        .where(rowid.in_(select(matching.c.value)))
        .order_by(Organization.name, Organization.id)
        .limit(query.per_page)
        .offset(query.offset)
    )
    return items(session, list(session.scalars(statement)))


# A driven pass reads each of its organisations through an index; a scan reads every one, about
# 2.5 times cheaper per organisation (bench.search), so a driver matching more than this share of
# the registry is scanned instead.
DRIVEN_SHARE = 0.35


# Matches read past the page's end when ranking from the FTS index alone: the page must see every
# match tied in rank with its last one, and equal bm25 scores (same lengths and term counts) come in
# groups of hundreds at 100,000 organisations. 1,000 more rows cost ~1 ms; a group that reaches
# past them costs a second pass over every match.
TIE_MARGIN = 1_000
