"""PostgreSQL's search: facet counts and one page from a single pass over organization_fts_facets
(migration 0006_postgres_search), measured at 100,000 organisations (bench.search): see the
package's docstring."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from services.network.domain import search as domain
from services.network.services.search.statements import (
    ARRAYS,
    FACET_COLUMNS,
    FACET_ROWS,
    NOTHING,
    code_number,
    counted_codes,
    facet_codes,
    items,
    page,
    stored_facet,
    stored_rows,
)

# For the search's transaction only (set_config's is_local). A broad word's matches (30,000 of
# 100,000 organisations, ~130 bytes each as materialised) outgrow the default 4 MB work_mem and
# would spill to a file. psycopg prepares a statement run five times, and PostgreSQL may then
# settle on a generic plan, which cannot fold to_tsquery and parses it again for every match it
# ranks (EXPLAIN ANALYZE, 30,000 matches: 125 ms generic, 47 ms custom).
SETTINGS = {"work_mem": "32MB", "plan_cache_mode": "force_custom_plan"}


def search(session: Session, query: domain.SearchQuery) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    live = _live(query)
    counted: dict[str, list[Any]] = {}
    if len(live) < len(domain.FACETS):
        stored = stored_rows(session)
        counted = {name: stored_facet(stored, name, query) for name in domain.FACETS if name not in live}
    if not live:  # filtered by status alone: a page as of the unfiltered registry
        return counted, page(session, query)
    codes = facet_codes(session)
    session.execute(select(*(func.set_config(name, value, True) for name, value in SETTINGS.items())))
    *joined_codes, ids = session.execute(_pass(query, codes, live)).one()
    counted.update(counted_codes(codes, live, joined_codes))
    return counted, items(session, list(ids or ()))


def _live(query: domain.SearchQuery) -> list[str]:
    """The facets counted over the matches; the others (no text, and no filter but at most status
    among their other filters) take the counts the triggers keep."""
    if query.text_tokens:
        return list(domain.FACETS)
    filtered = [name for name, values in query.filters.items() if values and name != "status"]
    return [name for name in domain.FACETS if any(other != name for other in filtered)]


def _pass(query: domain.SearchQuery, codes: dict[str, dict[str, str]], live: list[str]) -> Select[Any]:
    """One row: per live facet, the codes of the matches passing every *other* filter, joined (as
    SQLite's ``_count_columns``), and the page's ids in order."""
    tests = _tests(query, codes)
    hits = _hits(query, codes, tests, live)
    passed = {name: hits.c[f"passes_{name}"] for name in tests}
    counts = []
    for name in live:
        others = [test for other, test in passed.items() if other != name]
        value = hits.c[FACET_COLUMNS[name]]
        counts.append(func.string_agg(case((and_(*others), value)) if others else value, NOTHING))
    ranked = bool(query.text_tokens)
    shown = (
        select(hits.c.id, hits.c.name, *([hits.c.rank] if ranked else []))
        .where(*passed.values())
        .order_by(*_order(hits.c, ranked))
        .limit(query.per_page)
        .offset(query.offset)
        .subquery("shown")
    )
    ids = select(func.array_agg(aggregate_order_by(shown.c.id, *_order(shown.c, ranked))))
    return select(*counts, ids.scalar_subquery()).select_from(hits)


def _hits(
    query: domain.SearchQuery,
    codes: dict[str, dict[str, str]],
    tests: dict[str, ColumnElement[bool]],
    live: list[str],
) -> CTE:
    """The matches, materialised once, each with whether it passes each filter; only those passing
    all of them are ranked, since only they can be on the page."""
    columns = [FACET_ROWS.c.id, FACET_ROWS.c.name, *(FACET_ROWS.c[FACET_COLUMNS[name]] for name in live)]
    columns += [test.label(f"passes_{name}") for name, test in tests.items()]
    if query.text_tokens:
        rank = func.ts_rank_cd(FACET_ROWS.c.document, _tsquery(query))
        columns.append((case((and_(*tests.values()), rank)) if tests else rank).label("rank"))
    statement = select(*columns).where(*_where(query, codes, tests))
    return statement.cte("hits").prefix_with("MATERIALIZED")


def _order(columns: Any, ranked: bool) -> list[ColumnElement[Any]]:
    """Best match first (when ranked), then by name and id, as ``statements.ordered``."""
    return [*([columns.rank.desc()] if ranked else []), columns.name, columns.id]


def _where(
    query: domain.SearchQuery, codes: dict[str, dict[str, str]], tests: dict[str, ColumnElement[bool]]
) -> list[ColumnElement[bool]]:
    """Visibility, and how the matches are found: by the text (GIN on document) or, without text, by
    the codes of the filters that are not status (GIN on codes). A facet counted live has one of
    those filters among its other filters, so each match it counts has one of their values."""
    where: list[ColumnElement[bool]] = []
    if query.visible_statuses is not None:
        visible = [codes["status"][s] for s in query.visible_statuses if s in codes["status"]]
        where.append(FACET_ROWS.c.status.in_(visible))
    if query.text_tokens:
        where.append(FACET_ROWS.c.document.op("@@")(_tsquery(query)))
    else:
        wanted = [
            code_number(codes[name][value])
            for name, values in query.filters.items()
            if name != "status"
            for value in values
            if value in codes[name]
        ]
        where.append(FACET_ROWS.c.codes.overlap(wanted))
    if len(tests) >= 2:
        # A match counts somewhere only if it fails at most one filter, so it passes at least one.
        where.append(or_(*tests.values()))
    return where


def _tests(query: domain.SearchQuery, codes: dict[str, dict[str, str]]) -> dict[str, ColumnElement[bool]]:
    """Each filtered facet's test on organization_fts_facets rows."""
    tests: dict[str, ColumnElement[bool]] = {}
    for name, values in query.filters.items():
        if values:
            tests[name] = _test(name, [codes[name][value] for value in values if value in codes[name]])
    return tests


def _test(name: str, chars: list[str]) -> ColumnElement[bool]:
    value = FACET_ROWS.c[FACET_COLUMNS[name]]
    if not chars:
        return false()
    if name not in ARRAYS:
        return value.in_(chars)
    return or_(*(value.like(f"%{char}%") for char in chars))  # code characters are never % or _


def _tsquery(query: domain.SearchQuery) -> ColumnElement[Any]:
    # As statements.ordered ranks, so the page is the export's.
    return func.to_tsquery("german", domain.tsquery(query.text))
