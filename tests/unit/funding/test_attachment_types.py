"""Attachment rules without a database: content types from bytes, limits, rights and safe names."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.http import parse_options_header

from services.funding.domain import attachments as rules
from shared.auth import Actor
from shared.errors import Conflict, Forbidden, Invalid

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "attachments"
ORG = "5b0e5c7e-8f7a-4a43-9a43-0a4e8f1d2c11"
LIMITS = rules.Limits(max_file_bytes=10 * rules.MIB, max_count=2, max_total_bytes=15 * rules.MIB)


def detect(content: bytes) -> rules.FileKind:
    return rules.detect(io.BytesIO(content))


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def applicant(*orgs: str) -> Actor:
    return Actor("u-1", "a@verein.example", ("applicant",), orgs)


# ---------------------------------------------------------------- content


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("finanzplan.pdf", rules.PDF),
        ("logo.png", rules.PNG),
        ("foto.jpg", rules.JPEG),
        ("konzept.docx", rules.DOCX),
        ("kosten.xlsx", rules.XLSX),
        ("konzept.odt", rules.ODT),
        ("kosten.ods", rules.ODS),
    ],
)
def test_each_accepted_sample_is_recognised_from_its_bytes(name: str, kind: rules.FileKind) -> None:
    assert detect(sample(name)) == kind


def test_detection_leaves_the_stream_at_its_start_for_whoever_reads_next() -> None:
    stream = io.BytesIO(sample("konzept.docx"))

    rules.detect(stream)

    assert stream.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100,  # Windows executable
        b"\x7fELF\x02\x01\x01" + b"\x00" * 100,
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"<!DOCTYPE html><html><body>Antrag</body></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # legacy DOC/XLS (OLE compound file)
        b"Projekt: Sprachcafe\nKosten: 4800 EUR\n",
        b" %PDF-1.4 not at the start",
    ],
)
def test_anything_else_is_unsupported_and_names_the_file_field(content: bytes) -> None:
    with pytest.raises(rules.UnsupportedType) as refused:
        detect(content)

    assert refused.value.status == 415
    assert refused.value.errors is not None and list(refused.value.errors) == ["file"]
    assert "PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS" in refused.value.message


def test_a_zip_that_is_no_office_document_is_unsupported() -> None:
    with pytest.raises(rules.UnsupportedType, match="ZIP archives are accepted only as office documents"):
        detect(sample("archiv.zip"))


def test_a_zip_naming_word_files_without_declaring_a_word_document_is_unsupported() -> None:
    content = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})

    with pytest.raises(rules.UnsupportedType):
        detect(content)


def test_a_macro_enabled_word_document_is_unsupported() -> None:
    with pytest.raises(rules.UnsupportedType, match="macros"):
        detect(sample("mit-makro.docm"))


def test_a_docx_that_carries_a_vba_project_is_unsupported_even_when_declared_a_plain_document() -> None:
    with zipfile.ZipFile(io.BytesIO(sample("konzept.docx"))) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}

    with pytest.raises(rules.UnsupportedType, match="macros"):
        detect(zipped({**entries, "word/vbaProject.bin": b"\x00" * 10}))


def test_an_opendocument_with_basic_macros_is_unsupported() -> None:
    with zipfile.ZipFile(io.BytesIO(sample("konzept.odt"))) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}

    with pytest.raises(rules.UnsupportedType, match="macros"):
        detect(zipped({**entries, "Basic/Standard/Module1.xml": b"<script/>"}))


def test_an_opendocument_of_another_kind_is_unsupported() -> None:
    content = zipped({"mimetype": b"application/vnd.oasis.opendocument.presentation", "content.xml": b"<x/>"})

    with pytest.raises(rules.UnsupportedType):
        detect(content)


def test_a_broken_zip_is_unsupported_not_an_error() -> None:
    content = sample("konzept.docx")[:200]

    with pytest.raises(rules.UnsupportedType, match="cannot be read"):
        detect(content)


def test_a_zip_header_followed_by_garbage_is_unsupported() -> None:
    with pytest.raises(rules.UnsupportedType):
        detect(b"PK\x03\x04" + struct.pack("<H", 20) + b"\xff" * 300)


# ---------------------------------------------------------------- limits


def test_an_empty_file_is_invalid_naming_file() -> None:
    with pytest.raises(Invalid) as refused:
        rules.check_size(0, LIMITS)

    assert refused.value.errors == {"file": ["the file is empty"]}


def test_a_file_over_the_limit_is_too_large_and_the_message_names_the_limit() -> None:
    with pytest.raises(rules.ContentTooLarge) as refused:
        rules.check_size(10 * rules.MIB + 1, LIMITS)

    assert refused.value.status == 413
    assert refused.value.errors == {"file": ["the file is larger than the limit of 10 MiB per file"]}


def test_a_file_at_the_limit_is_accepted() -> None:
    rules.check_size(10 * rules.MIB, LIMITS)


def test_the_count_per_application_is_limited() -> None:
    rules.check_room(1, 1000, 1000, LIMITS)

    with pytest.raises(Conflict, match="already has 2 attachments"):
        rules.check_room(2, 1000, 1000, LIMITS)


def test_the_total_size_per_application_is_limited() -> None:
    rules.check_room(1, 10 * rules.MIB, 5 * rules.MIB, LIMITS)

    with pytest.raises(Conflict, match="at most 15 MiB; 10 MiB are used already"):
        rules.check_room(1, 10 * rules.MIB, 5 * rules.MIB + 1, LIMITS)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (10 * rules.MIB, "10 MiB"),
        (int(2.5 * rules.MIB), "2.5 MiB"),
        (32 * 1024, "32 KiB"),
        (700, "700 bytes"),
    ],
)
def test_sizes_are_told_in_binary_units(size: int, text: str) -> None:
    assert rules.format_size(size) == text


# ---------------------------------------------------------------- who may change attachments


@pytest.mark.parametrize("state", rules.EDITABLE_STATES)
def test_a_member_of_the_applying_organisation_changes_attachments_while_editable(state: str) -> None:
    rules.check_may_change(applicant(ORG), ORG, state)


@pytest.mark.parametrize(
    "state", ["submitted", "in_review", "recommended", "approved", "rejected", "withdrawn"]
)
def test_nobody_changes_attachments_once_the_application_left_the_applicant(state: str) -> None:
    with pytest.raises(Conflict, match=f"it is {state}"):
        rules.check_may_change(applicant(ORG), ORG, state)


def test_staff_outside_the_organisation_may_not_change_attachments() -> None:
    caseworker = Actor("u-2", "c@ki.example", ("caseworker",), ())

    with pytest.raises(Forbidden):
        rules.check_may_change(caseworker, ORG, "draft")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Finanzplan.pdf", "Finanzplan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Verein\\Antrag.docx", "Antrag.docx"),
        ("Antrag\r\nX-Injected: 1.pdf", "AntragX-Injected: 1.pdf"),
        ("Rechnung\u202efdp.exe", "Rechnungfdp.exe"),
        ("..versteckt.pdf", "versteckt.pdf"),
        ("  ", "Anlage"),
        ("", "Anlage"),
        (None, "Anlage"),
        ("U\u0308bersicht.pdf", "Übersicht.pdf"),  # decomposed umlaut becomes one character (NFC)
        ("می\u200cخواهم.pdf", "می\u200cخواهم.pdf"),  # Persian keeps its zero-width non-joiner
    ],
)
def test_the_original_name_is_cleaned_for_showing_and_downloading(raw: str | None, clean: str) -> None:
    assert rules.clean_filename(raw) == clean


def test_a_long_name_is_shortened_but_keeps_its_extension() -> None:
    cleaned = rules.clean_filename("Bericht " * 60 + ".pdf")

    assert len(cleaned) <= rules.MAX_NAME_LENGTH and cleaned.endswith(".pdf")


def test_content_disposition_of_an_ascii_name() -> None:
    assert rules.content_disposition("Finanzplan 2027.pdf") == (
        "attachment; filename=\"Finanzplan 2027.pdf\"; filename*=UTF-8''Finanzplan%202027.pdf"
    )


def test_content_disposition_of_an_arabic_name_has_an_ascii_fallback_and_the_exact_name() -> None:
    header = rules.content_disposition("تقرير.pdf")

    assert header.startswith('attachment; filename="Anlage.pdf"; ')
    assert unquote(header.split("filename*=UTF-8''")[1]) == "تقرير.pdf"


def test_quotes_and_backslashes_cannot_break_out_of_the_fallback_name() -> None:
    header = rules.content_disposition('a"; filename="evil.exe\\.pdf')

    value, options = parse_options_header(header)
    assert value == "attachment"
    assert options["filename"] == 'a"; filename="evil.exe\\.pdf'  # the exact name, from filename*
    assert header.count('"') == 2


@given(st.text(max_size=300))
def test_any_cleaned_name_makes_a_header_that_parses_back_to_exactly_that_name(raw: str) -> None:
    name = rules.clean_filename(raw)

    value, options = parse_options_header(rules.content_disposition(name))

    assert value == "attachment"
    assert options["filename"] == name
    assert name and len(name) <= rules.MAX_NAME_LENGTH
    assert not any(ch in name for ch in "/\\\r\n\x00")
