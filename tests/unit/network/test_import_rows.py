"""Reading spreadsheet rows: headers as KIs write them, labels to keys, reasons for rejection."""

from __future__ import annotations

import pytest

from services.network.domain import imports
from services.network.domain.taxonomy_seed import seed_rows
from shared.errors import Invalid

VOCABULARIES = imports.vocabulary_index(
    [(row["vocabulary"], row["key"], row["label_de"], row["label_en"]) for row in seed_rows()]
)


def test_headers_match_whatever_their_case_spacing_or_alias() -> None:
    mapped, ignored = imports.map_headers(
        [" NAME ", "Art der  Organisation", "Bezirk", "e-mail", "Notiz", ""]
    )

    assert mapped == {0: "name", 1: "type", 2: "district", 3: "email"}
    assert ignored == ["Notiz"]


def test_labels_and_keys_both_map_to_taxonomy_keys_and_lists_split_on_comma_or_semicolon() -> None:
    row = imports.parse_row(
        2,
        {
            "name": "  Brückenbau   e.V. ",
            "type": "kulturverein",
            "district": "Köln-Mülheim",
            "fields_of_work": "Bildung; sport,Kultur",
            "languages": "Deutsch, tr; Arabisch",
            "email": "Kontakt@Bruecken.Example",
        },
        VOCABULARIES,
    )

    assert row.errors == []
    assert row.data == {
        "name": "Brückenbau e.V.",
        "type": "cultural_association",
        "district": "Köln-Mülheim",
        "fields_of_work": ["culture", "education", "sport"],
        "languages": ["ar", "de", "tr"],
        "email": "kontakt@bruecken.example",
    }


def test_a_row_names_every_field_it_is_rejected_for() -> None:
    row = imports.parse_row(
        7,
        {
            "name": "",
            "postal_code": "123",
            "email": "keine",
            "type": "Raumschiff",
            "languages": "Klingonisch",
        },
        VOCABULARIES,
    )

    assert {error["field"] for error in row.errors} == {"name", "postal_code", "email", "type", "languages"}


def test_the_same_organisation_is_recognised_by_email_or_by_name_in_its_municipality() -> None:
    first = imports.match_keys({"name": "Brückenbau e.V.", "municipality": "Köln", "email": "A@b.example"})
    second = imports.match_keys({"name": "brückenbau ev", "city": "Köln"})

    assert first[0] == "email:a@b.example"
    assert first[1] == second[0]


def test_a_formula_guard_written_by_the_export_is_removed_on_import() -> None:
    row = imports.parse_row(2, {"name": "Verein", "phone": "'+49 221 1"}, VOCABULARIES)

    assert row.data["phone"] == "+49 221 1"


def test_utf8_with_bom_and_windows_1252_both_decode() -> None:
    assert imports.decode("\ufeffStraße".encode()) == "Straße"
    assert imports.decode("Straße;Köln".encode("cp1252")) == "Straße;Köln"


def test_the_delimiter_is_taken_from_the_header_line() -> None:
    sheet = imports.read_sheet("a.csv", b'Name;Beschreibung\r\nVerein;"Eins, zwei; drei"\r\n')

    assert sheet.rows == [["Verein", "Eins, zwei; drei"]]


@pytest.mark.parametrize(
    ("filename", "content"),
    [("a.csv", b"  "), ("a.pdf", b"%PDF-1.4"), ("a.csv", b"Ort\nK\xf6ln\n"), ("a.xlsx", b"PK\x03\x04broken")],
)
def test_unusable_files_are_refused_naming_file(filename: str, content: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        imports.read_sheet(filename, content)

    assert set(refused.value.errors) == {"file"}
