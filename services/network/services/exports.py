"""Export of a search result to CSV or XLSX, with the German headers the import reads back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.network.domain import search as domain
from services.network.domain.imports import COLUMNS, LIST_FIELDS, VOCABULARY_OF
from services.network.models import Organization, TaxonomyTerm
from services.network.services import organizations
from services.network.services.search import statements
from shared import spreadsheets
from shared.db import transaction

EXTRA_HEADERS = ("Status", "ID")
CHUNK = 500


def file_name(file_format: str) -> str:
    return f"organisationen-{datetime.now(spreadsheets.BERLIN).date().isoformat()}.{file_format}"


def header() -> list[str]:
    return [headers[0] for headers in COLUMNS.values()] + list(EXTRA_HEADERS)


def export_rows(factory: sessionmaker[Session], query: domain.SearchQuery) -> Iterator[list[str]]:
    """One row per matching organisation (not one page: all of them).

    Each chunk reads in its own short transaction, so a long download never holds a lock.
    """
    with transaction(factory) as session:
        labels = _labels(session)
        ids = list(session.scalars(statements.ordered(session, query).with_only_columns(Organization.id)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction(factory) as session:
            found = session.scalars(
                statements.with_terms(select(Organization).where(Organization.id.in_(chunk)))
            )
            by_id = {organization.id: organization for organization in found}
            lines = [_line(by_id[org_id], labels) for org_id in chunk if org_id in by_id]
        yield from lines


def _line(organization: Organization, labels: dict[str, dict[str, str]]) -> list[str]:
    lists = organizations.lists(organization)
    cells = []
    for name in COLUMNS:
        value = lists[name] if name in LIST_FIELDS else getattr(organization, name)
        vocabulary = labels.get(VOCABULARY_OF.get(name, ""), {})
        if isinstance(value, list):
            cells.append(", ".join(vocabulary.get(item, item) for item in value))
        else:
            cells.append(vocabulary.get(value, value or ""))
    return [*cells, organization.status, organization.id]


def _labels(session: Session) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for term in session.scalars(select(TaxonomyTerm)):
        # A label containing the list separator would not read back as one term: keep the key.
        if "," not in term.label_de and ";" not in term.label_de:
            labels.setdefault(term.vocabulary, {})[term.key] = term.label_de
    return labels


def table(
    factory: sessionmaker[Session], query: domain.SearchQuery, file_format: str
) -> bytes | Iterator[str]:
    """The whole result as a CSV stream or an XLSX file (shared.spreadsheets writes both)."""
    rows = export_rows(factory, query)
    if file_format == "csv":
        return spreadsheets.csv_chunks(header(), rows)
    return spreadsheets.xlsx_bytes("Organisationen", header(), rows)
