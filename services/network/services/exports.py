"""Export of a search result to CSV or XLSX, with the German headers the import reads back."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.network.domain import search as domain
from services.network.domain.imports import COLUMNS, LIST_FIELDS, VOCABULARY_OF
from services.network.models import Organization, TaxonomyTerm
from services.network.services import organizations, search
from shared.db import transaction

EXTRA_HEADERS = ("Status", "ID")
CHUNK = 500


def file_name(file_format: str) -> str:
    return f"organisationen-{date.today().isoformat()}.{file_format}"


def header() -> list[str]:
    return [headers[0] for headers in COLUMNS.values()] + list(EXTRA_HEADERS)


def export_rows(factory: sessionmaker[Session], query: domain.SearchQuery) -> Iterator[list[str]]:
    """The header, then one row per matching organisation (not one page: all of them).

    Each chunk reads in its own short transaction, so a long download never holds a lock.
    """
    with transaction(factory) as session:
        labels = _labels(session)
        ids = list(session.scalars(search.ordered(session, query).with_only_columns(Organization.id)))
    yield header()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction(factory) as session:
            found = session.scalars(search.with_terms(select(Organization).where(Organization.id.in_(chunk))))
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


def csv_chunks(rows: Iterator[list[str]]) -> Iterator[str]:
    # Excel opens UTF-8 correctly only with a BOM, and expects ";" in German locales.
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(rows: Iterator[list[str]]) -> bytes:
    # XLSX is a zip written at the end: build it in a spooled temp file, write-only (constant memory).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Organisationen")
    for row in rows:
        sheet.append([_safe(cell) for cell in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as file:
        workbook.save(file)
        file.seek(0)
        return file.read()


def _safe(cell: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV/formula injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
