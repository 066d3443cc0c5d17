"""Tables as files German spreadsheet programs open correctly: CSV (``;``, decimal comma, BOM) and XLSX.

Cells are typed: ``Decimal`` is an amount in Euro (currency format in XLSX, ``1234,56`` in CSV),
``int`` a count, ``datetime`` a moment shown in Europe/Berlin time, ``str`` text. Text that a
spreadsheet would run as a formula gets a leading apostrophe (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | Decimal | datetime | date | None
BERLIN = ZoneInfo("Europe/Berlin")
CURRENCY_FORMAT = '#,##0.00 "€"'
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def euros(cents: int | None) -> Decimal | None:
    """Cents as an exact Euro amount with two decimals."""
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def safe_text(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV/formula injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The table as CSV text in pieces, for a streamed response."""
    # Excel opens UTF-8 correctly only with a BOM, and expects ";" in German locales.
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in itertools.chain([header], rows):
        writer.writerow([csv_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        # No thousands separator: "1234,56" is a number to German Excel, "1.234,56" may be a date.
        return f"{cell:.2f}".replace(".", ",")
    if isinstance(cell, datetime):
        return cell.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d.%m.%Y")
    if isinstance(cell, int):
        return str(cell)
    return safe_text(cell)


def xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet: a bold header, then the rows with typed cells."""
    # Write-only mode keeps memory constant; the zip is assembled in a spooled temp file.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(title) + 2)
    sheet.append([_xlsx_cell(sheet, title, bold=True) for title in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as file:
        workbook.save(file)
        file.seek(0)
        return file.read()


def _xlsx_cell(sheet: WriteOnlyWorksheet, cell: Cell, bold: bool = False) -> WriteOnlyCell:
    if isinstance(cell, datetime):
        # XLSX has no time zones: write the Berlin wall-clock time the reader expects.
        written = WriteOnlyCell(sheet, cell.astimezone(BERLIN).replace(tzinfo=None))
        written.number_format = DATETIME_FORMAT
    elif isinstance(cell, date):
        written = WriteOnlyCell(sheet, cell)
        written.number_format = DATE_FORMAT
    elif isinstance(cell, Decimal):
        written = WriteOnlyCell(sheet, cell)
        written.number_format = CURRENCY_FORMAT
    else:
        written = WriteOnlyCell(sheet, safe_text(cell) if isinstance(cell, str) else cell)
    if bold:
        written.font = Font(bold=True)
    return written
