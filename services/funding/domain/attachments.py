"""Rules for attachments: which contents are accepted, size limits, who may change them, safe names."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote

import filetype
from filetype.types.archive import Pdf
from filetype.types.image import Jpeg, Png

from shared.auth import Actor
from shared.errors import Conflict, DomainError, Forbidden, Invalid

EDITABLE_STATES = ("draft", "changes_requested")
MIB = 1024 * 1024
KIB = 1024
MAX_NAME_LENGTH = 200
FALLBACK_NAME = "Anlage"
# Bidi embeddings, overrides and isolates: "Rechnung\u202efdp.exe" would display as "Rechnungexe.pdf".
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HEAD_BYTES = 8 * KIB
ZIP_MAGIC = b"PK\x03\x04"
# Small parts read from inside an office ZIP; a larger one is not what it claims to be.
MAX_PART_BYTES = 256 * KIB


@dataclass(frozen=True)
class FileKind:
    mime: str
    label: str


PDF = FileKind("application/pdf", "PDF")
PNG = FileKind("image/png", "PNG")
JPEG = FileKind("image/jpeg", "JPEG")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
ODT = FileKind("application/vnd.oasis.opendocument.text", "ODT")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ODS")
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS)
# Signatures that live at the start of the file, checked by the filetype library.
SIGNATURES = {Pdf.MIME: PDF, Png.MIME: PNG, Jpeg.MIME: JPEG}
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ODF_MIMETYPES = {ODT.mime: ODT, ODS.mime: ODS}
MACRO_PARTS = re.compile(r"(^|/)vbaProject\.bin$|^(Basic|Scripts)/", re.IGNORECASE)


class ContentTooLarge(DomainError):
    status = 413
    title = "Content Too Large"


class UnsupportedType(DomainError):
    status = 415
    title = "Unsupported Media Type"


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_count: int
    max_total_bytes: int


# ---------------------------------------------------------------- content


def detect(stream: BinaryIO) -> FileKind:
    """The accepted kind the content is, judged from its bytes alone; UnsupportedType otherwise."""
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if head.startswith(ZIP_MAGIC):
        return _office_document(stream)
    matched = filetype.match(head, matchers=(Pdf(), Png(), Jpeg()))
    if matched is None:
        raise UnsupportedType(f"the content is not one of the accepted types ({accepted_labels()})", "file")
    return SIGNATURES[matched.mime]


def accepted_labels() -> str:
    return ", ".join(kind.label for kind in ACCEPTED)


def _office_document(stream: BinaryIO) -> FileKind:
    """A ZIP is accepted only as an office document whose inner structure says which one it is."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if any(MACRO_PARTS.search(name) for name in names):
                raise UnsupportedType("documents with macros are not accepted; save it without them", "file")
            kind = _odf_kind(archive, names) or _ooxml_kind(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise UnsupportedType("the file looks like a ZIP archive but cannot be read", "file") from exc
    finally:
        stream.seek(0)
    if kind is None:
        raise UnsupportedType(
            f"ZIP archives are accepted only as office documents ({accepted_labels()})", "file"
        )
    return kind


def _odf_kind(archive: zipfile.ZipFile, names: list[str]) -> FileKind | None:
    if "mimetype" not in names:
        return None
    declared = _part(archive, "mimetype").decode("ascii", "replace").strip()
    return ODF_MIMETYPES.get(declared)


def _ooxml_kind(archive: zipfile.ZipFile, names: list[str]) -> FileKind | None:
    if "[Content_Types].xml" not in names:
        return None
    content_types = _part(archive, "[Content_Types].xml")
    kinds = {kind for marker, kind in OOXML_MAIN_PARTS.items() if marker in content_types}
    return kinds.pop() if len(kinds) == 1 else None


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(MAX_PART_BYTES)


# ---------------------------------------------------------------- limits and rights


def check_size(size: int, limits: Limits) -> None:
    if size == 0:
        raise Invalid({"file": ["the file is empty"]}, "The file is empty.")
    if size > limits.max_file_bytes:
        raise too_large(limits.max_file_bytes)


def too_large(limit: int) -> ContentTooLarge:
    return ContentTooLarge(f"the file is larger than the limit of {format_size(limit)} per file", "file")


def check_room(count: int, total_bytes: int, new_bytes: int, limits: Limits) -> None:
    """Per application: at most ``max_count`` files, together at most ``max_total_bytes``."""
    if count >= limits.max_count:
        raise Conflict(
            f"the application already has {count} attachments, the most allowed; delete one first", "file"
        )
    if total_bytes + new_bytes > limits.max_total_bytes:
        raise Conflict(
            f"all attachments of an application together may have at most "
            f"{format_size(limits.max_total_bytes)}; {format_size(total_bytes)} are used already",
            "file",
        )


def check_may_change(actor: Actor, organization_id: str, state: str) -> None:
    """Only the applying organisation changes attachments, and only while it may edit the application."""
    if organization_id not in actor.organization_ids:
        raise Forbidden("only members of the applying organisation may add or delete attachments")
    if state not in EDITABLE_STATES:
        raise Conflict(
            f"attachments can be changed only while the application is a draft or changes were "
            f"requested; it is {state}"
        )


def format_size(size: int) -> str:
    if size >= MIB:
        return f"{size // MIB} MiB" if size % MIB == 0 else f"{size / MIB:.1f} MiB"
    if size >= KIB:
        return f"{size // KIB} KiB" if size % KIB == 0 else f"{size / KIB:.1f} KiB"
    return f"{size} bytes"


# ---------------------------------------------------------------- names


def clean_filename(raw: str | None) -> str:
    """The name to show and offer for download: no path, no control characters, a sane length."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not _invisible(ch)).strip().lstrip(".").strip()
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        keep = f"{dot}{suffix}" if dot and len(suffix) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(keep)].rstrip() + keep
    return name or FALLBACK_NAME


def _invisible(ch: str) -> bool:
    # Cc control, Cs surrogate, Co private use, Cn unassigned; Cf stays (Persian needs ZWNJ) but bidi goes.
    return unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"} or ch in BIDI_CONTROLS


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 form (``filename*``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = re.sub(r"[^A-Za-z0-9._()+ -]", "_", ascii_name).rpartition(".")
    stem, suffix = (stem, suffix) if dot else (suffix, "")
    stem, suffix = stem.strip(" ._"), suffix.strip(" _")
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = FALLBACK_NAME  # e.g. an Arabic or Ukrainian name leaves nothing in ASCII
    fallback = f"{stem}.{suffix}" if suffix else stem
    exact = quote(name, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"
