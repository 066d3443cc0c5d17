"""Spreadsheet rows as organisations: German headers, labels to taxonomy keys, per-row reasons."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from shared.errors import Invalid
from shared.languages import is_language_code

# field -> (the header the export writes, other headers KIs use today); matched case-insensitively.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Name", "Name der Organisation", "Organisation", "Organisationsname", "Verein", "Träger"),
    "legal_form": ("Rechtsform",),
    "type": ("Art der Organisation", "Typ", "Organisationstyp", "Art", "Organisationsart"),
    "street": ("Straße", "Strasse", "Str.", "Straße und Hausnummer", "Anschrift", "Adresse"),
    "postal_code": ("PLZ", "Postleitzahl"),
    "city": ("Ort", "Stadt", "Wohnort"),
    "municipality": ("Kommune", "Gemeinde"),
    "district": ("Stadtbezirk", "Bezirk", "Kreis"),
    "fields_of_work": ("Handlungsfelder", "Handlungsfeld", "Arbeitsfelder", "Tätigkeitsfelder"),
    "languages": ("Sprachen", "Sprache", "Angebotssprachen"),
    "target_groups": ("Zielgruppen", "Zielgruppe"),
    "website": ("Webseite", "Website", "Internetseite", "Homepage", "Internet"),
    "description": ("Beschreibung", "Kurzbeschreibung"),
    "email": ("E-Mail", "Email", "Mail", "E-Mail-Adresse"),
    "phone": ("Telefon", "Telefonnummer", "Tel.", "Tel"),
}
# field -> the taxonomy vocabulary whose German label or key a cell may hold
VOCABULARY_OF = {
    "legal_form": "legal_form",
    "type": "organization_type",
    "district": "district",
    "fields_of_work": "field_of_work",
    "target_groups": "target_group",
}
LIST_FIELDS = ("fields_of_work", "languages", "target_groups")
MAX_LENGTH = {
    "name": 300, "legal_form": 80, "type": 80, "street": 200, "postal_code": 10, "city": 120,
    "municipality": 120, "district": 120, "email": 320, "phone": 40, "website": 300, "description": 10_000,
}  # fmt: skip
LANGUAGE_NAMES = {
    "deutsch": "de", "englisch": "en", "französisch": "fr", "türkisch": "tr", "arabisch": "ar",
    "ukrainisch": "uk", "russisch": "ru", "polnisch": "pl", "rumänisch": "ro", "bulgarisch": "bg",
    "persisch": "fa", "farsi": "fa", "dari": "prs", "kurdisch": "ku", "kurmandschi": "kmr",
    "tigrinya": "ti", "somali": "so", "spanisch": "es", "italienisch": "it", "griechisch": "el",
    "serbisch": "sr", "kroatisch": "hr", "bosnisch": "bs", "albanisch": "sq", "paschtu": "ps",
    "urdu": "ur", "vietnamesisch": "vi", "chinesisch": "zh", "portugiesisch": "pt", "romanes": "rom",
}  # fmt: skip
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAL_CODE = re.compile(r"^\d{5}$")
FORMULA_STARTS = ("=", "+", "-", "@")
_LIST_SEPARATORS = re.compile(r"[;,\n]")

# vocabulary -> normalised key, German or English label -> key
Vocabularies = Mapping[str, Mapping[str, str]]


@dataclass
class ParsedRow:
    number: int
    data: dict[str, Any]
    errors: list[dict[str, str]] = field(default_factory=list)

    def reject(self, field_name: str, message: str) -> None:
        self.errors.append({"field": field_name, "message": message})


def normalise(text: str) -> str:
    return " ".join(str(text).replace("\ufeff", "").strip().strip(":*").casefold().split())


HEADER_FIELDS = {normalise(header): name for name, headers in COLUMNS.items() for header in headers}


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index -> field, and the headers nobody knows (ignored, reported to the user)."""
    mapped: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = HEADER_FIELDS.get(normalise(header or ""))
        if name and name not in mapped.values():
            mapped[index] = name
        elif str(header or "").strip():
            ignored.append(str(header).strip())
    return mapped, ignored


def vocabulary_index(terms: list[tuple[str, str, str, str]]) -> dict[str, dict[str, str]]:
    """From (vocabulary, key, label_de, label_en) rows: what a cell may say -> the term's key."""
    index: dict[str, dict[str, str]] = {}
    for vocabulary, key, label_de, label_en in terms:
        names = index.setdefault(vocabulary, {})
        for spelling in (label_en, label_de, key):  # the key wins over a label spelled like it
            if spelling:
                names[normalise(spelling)] = key
    return index


def parse_row(number: int, cells: Mapping[str, str], vocabularies: Vocabularies) -> ParsedRow:
    """One row's organisation data and every reason to reject it; empty cells are left out."""
    row = ParsedRow(number, {})
    for name, raw in cells.items():
        value = _unescape(" ".join(str(raw).split()) if name != "description" else str(raw).strip())
        if not value:
            continue
        if name in LIST_FIELDS:
            row.data[name] = _list_value(row, name, value, vocabularies)
        elif name in VOCABULARY_OF:
            row.data[name] = _term(row, name, value, vocabularies)
        else:
            row.data[name] = _text_value(row, name, value)
    if not row.data.get("name"):
        row.reject("name", "Der Name fehlt.")
    return row


def _unescape(value: str) -> str:
    """Undo the export's guard against formulas ("'+49 221 …" back to "+49 221 …")."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def match_keys(data: Mapping[str, Any]) -> list[str]:
    """How an existing organisation is recognised: its email, or its name in its municipality."""
    keys = []
    if data.get("email"):
        keys.append("email:" + data["email"].casefold())
    if data.get("name"):
        place = re.sub(r"\W", "", (data.get("municipality") or data.get("city") or "").casefold())
        keys.append("name:" + re.sub(r"\W", "", data["name"].casefold()) + "@" + place)
    return keys


def _text_value(row: ParsedRow, name: str, value: str) -> str:
    if len(value) > MAX_LENGTH[name]:
        row.reject(name, f"Höchstens {MAX_LENGTH[name]} Zeichen.")
    elif name == "email" and not EMAIL.match(value):
        row.reject(name, f"Keine gültige E-Mail-Adresse: {value}")
    elif name == "postal_code" and not POSTAL_CODE.match(value):
        row.reject(name, f"Die PLZ muss fünf Ziffern haben: {value}")
    return value.casefold() if name == "email" else value


def _term(row: ParsedRow, name: str, value: str, vocabularies: Vocabularies) -> str:
    key = vocabularies.get(VOCABULARY_OF[name], {}).get(normalise(value))
    if key is None:
        row.reject(name, f"Unbekannter Wert: {value}")
    return key or value


def _list_value(row: ParsedRow, name: str, value: str, vocabularies: Vocabularies) -> list[str]:
    items = [item.strip() for item in _LIST_SEPARATORS.split(value) if item.strip()]
    if name != "languages":
        return sorted({_term(row, name, item, vocabularies) for item in items})
    codes = set()
    for item in items:
        code = LANGUAGE_NAMES.get(normalise(item), normalise(item))
        if not is_language_code(code):
            row.reject(name, f"Unbekannte Sprache: {item}")
        codes.add(code)
    return sorted(codes)


# --- files ------------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    file_format: str
    headers: list[str]
    rows: list[list[str]]  # data rows only; row N of the sheet is rows[N - 2]


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The header and data rows of an uploaded CSV or XLSX file; Invalid naming ``file`` if unusable."""
    if not content.strip():
        raise Invalid({"file": ["Die Datei ist leer."]})
    if len(content) > MAX_IMPORT_BYTES:
        raise Invalid({"file": [f"Die Datei ist größer als {MAX_IMPORT_BYTES // (1024 * 1024)} MB."]})
    if content.startswith(XLSX_MAGIC):
        sheet = Sheet("xlsx", *_split(_xlsx_rows(content)))
    elif filename.lower().endswith((".csv", ".txt")) or not filename:
        sheet = Sheet("csv", *_split(_csv_rows(content)))
    else:
        raise Invalid({"file": ["Nur CSV- oder XLSX-Dateien können importiert werden."]})
    _check_sheet(sheet)
    return sheet


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) as most tools write it, else Windows-1252 as older Excel does."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content[:4096]:
        raise Invalid({"file": ["Nur CSV- oder XLSX-Dateien können importiert werden."]})
    text = decode(content)
    # The header line decides the delimiter: it holds no quoted text, unlike descriptions below
    # (csv.Sniffer guessed quoting wrongly on multi-line descriptions).
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [row for row in reader if any(cell.strip() for cell in row)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Invalid({"file": [f"Die XLSX-Datei lässt sich nicht lesen: {exc}"]}) from None
    try:
        rows = [[_cell(value) for value in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return [row for row in rows if any(cell.strip() for cell in row)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores a PLZ typed as a number as 50667.0
    return str(value)


def _split(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    return (rows[0], rows[1:]) if rows else ([], [])


def _check_sheet(sheet: Sheet) -> None:
    mapped, _ = map_headers(sheet.headers)
    if "name" not in mapped.values():
        raise Invalid(
            {"file": ["Keine Spalte „Name“ gefunden; die erste Zeile muss die Spaltennamen enthalten."]}
        )
    if not sheet.rows:
        raise Invalid({"file": ["Die Datei enthält keine Datenzeilen."]})
    if len(sheet.rows) > MAX_IMPORT_ROWS:
        raise Invalid({"file": [f"Höchstens {MAX_IMPORT_ROWS} Zeilen je Datei."]})


def row_cells(sheet: Sheet, index: int) -> dict[str, str]:
    """Field -> cell text of data row ``index`` (0-based)."""
    mapped, _ = map_headers(sheet.headers)
    row = sheet.rows[index]
    return {name: (row[column] if column < len(row) else "") for column, name in mapped.items()}
