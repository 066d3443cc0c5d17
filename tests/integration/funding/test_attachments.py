"""Attachments over HTTP: upload, list, download, delete; content-checked types, limits, who may do what."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, TestResponse, run_wsgi_app

from services.funding.app import create_app
from services.funding.config import Settings
from services.funding.domain import attachments as rules
from services.funding.models.attachments import Attachment
from services.funding.services import attachments as services
from shared.auth import Actor
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible
from tests.support import builders
from tests.support.databases import ServiceDatabases
from tests.support.tokens import TokenMaker

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "attachments"
KIB = 1024
MAX_FILE = 32 * KIB
MAX_REQUEST = 64 * KIB
MAX_COUNT = 3
MAX_TOTAL = 80 * KIB
STAFF = ("caseworker", "approver", "admin")


@pytest.fixture(scope="session")
def attachment_app(
    databases: ServiceDatabases,
    redis_url: str,
    keys: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    """Funding on the test database with a directory of its own and small limits."""
    settings = Settings(
        service="funding",
        database_url=databases.urls["funding"],
        redis_url=redis_url,
        jwt_public_key=keys[1].read_bytes(),
        max_upload_bytes=MAX_REQUEST,
        attachments_dir=tmp_path_factory.mktemp("attachments") / "store",
        attachment_max_bytes=MAX_FILE,
        attachments_max_count=MAX_COUNT,
        attachments_max_total_bytes=MAX_TOTAL,
    )
    app = create_app(settings)
    yield app
    app.extensions["teilhabe"].engine.dispose()


@pytest.fixture
def store_dir(attachment_app: Flask) -> Path:
    root = attachment_app.extensions["teilhabe"].settings.attachments_dir
    if root.exists():
        for child in root.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    return root


@pytest.fixture
def desk(apps: Apps, attachment_app: Flask, tokens: TokenMaker, store_dir: Path) -> Desk:
    desk = Desk.around(attachment_app, tokens, builders.open_call(attachment_app))
    make_eligible(attachment_app, desk.organization_id)
    return desk


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def padded_pdf(size: int) -> bytes:
    """A real PDF grown to ``size`` bytes (readers ignore what follows %%EOF)."""
    content = sample("finanzplan.pdf")
    return content + b"%" * (size - len(content))


def upload(
    desk: Desk,
    application_id: str,
    content: bytes,
    name: str = "finanzplan.pdf",
    headers: dict[str, str] | None = None,
    sent_type: str = "application/pdf",
    **form: str,
) -> TestResponse:
    data = {"file": (io.BytesIO(content), name, sent_type), **form}
    return desk.client.post(
        f"{APPLICATIONS}/{application_id}/attachments",
        data=data,
        headers=desk.applicant if headers is None else headers,
        content_type="multipart/form-data",
    )


def uploaded(
    desk: Desk, application_id: str, content: bytes | None = None, name: str = "finanzplan.pdf"
) -> dict:
    response = upload(desk, application_id, content or sample("finanzplan.pdf"), name)
    assert response.status_code == 201, response.json
    return response.json


def one(application_id: str, attachment_id: str) -> str:
    return f"{APPLICATIONS}/{application_id}/attachments/{attachment_id}"


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def row_count(app: Flask) -> int:
    with builders.session_factory(app)() as session:
        return session.scalar(select(func.count()).select_from(Attachment))


def changes_requested(desk: Desk) -> str:
    application_id = desk.draft()
    for action, headers, body in (
        ("submit", desk.applicant, {}),
        ("start_review", desk.caseworker, {}),
        ("request_changes", desk.caseworker, {"comment": "Bitte den Kostenplan als Anlage beifügen."}),
    ):
        assert desk.act(application_id, action, headers, body).status_code == 200, action
    return application_id


# ---------------------------------------------------------------- upload, list, download, delete


def test_applicant_uploads_a_pdf_and_finds_it_listed_with_hash_size_and_type(
    desk: Desk, store_dir: Path
) -> None:
    application_id = desk.draft()
    content = sample("finanzplan.pdf")

    response = upload(desk, application_id, content, description="Kosten- und Finanzierungsplan")

    assert response.status_code == 201, response.json
    created = response.json
    assert created["original_name"] == "finanzplan.pdf"
    assert created["description"] == "Kosten- und Finanzierungsplan"
    assert created["content_type"] == "application/pdf"
    assert created["size_bytes"] == len(content)
    assert created["sha256"] == hashlib.sha256(content).hexdigest()
    assert created["uploaded_by"] == desk.user_ids["applicant"]
    listed = desk.client.get(f"{APPLICATIONS}/{application_id}/attachments", headers=desk.applicant)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json] == [created["id"]]


def test_the_file_is_stored_outside_the_database_under_a_generated_name(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()

    created = uploaded(desk, application_id, name="../../etc/Antrag Verein.pdf")

    files = stored_files(store_dir)
    assert len(files) == 1
    assert files[0].read_bytes() == sample("finanzplan.pdf")
    assert files[0].is_relative_to(store_dir)
    assert "Antrag" not in str(files[0]) and "etc" not in files[0].relative_to(store_dir).parts
    assert created["original_name"] == "Antrag Verein.pdf"


@pytest.mark.parametrize("role", ["applicant", *STAFF])
def test_whoever_may_see_the_application_downloads_the_exact_bytes_as_an_attachment(
    desk: Desk, role: str
) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)

    response = desk.client.get(one(application_id, created["id"]), headers=desk.headers_of(role))

    assert response.status_code == 200
    assert response.data == sample("finanzplan.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="finanzplan.pdf"')
    assert response.headers["Content-Length"] == str(created["size_bytes"])


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("تقرير المشروع.pdf", "Anlage.pdf"),
        ("Звіт про діяльність.pdf", "Anlage.pdf"),
        ("Übersicht Kosten.pdf", "Ubersicht Kosten.pdf"),
    ],
)
def test_a_non_latin_name_comes_back_exactly_in_rfc_5987_form(desk: Desk, name: str, fallback: str) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id, name=name)

    response = desk.client.get(one(application_id, created["id"]), headers=desk.applicant)

    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='-.')}"
    assert created["original_name"] == name


def test_applicant_deletes_an_attachment_and_its_file_is_gone(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()
    keep = uploaded(desk, application_id)
    drop = uploaded(desk, application_id, sample("logo.png"), "logo.png")

    response = desk.client.delete(one(application_id, drop["id"]), headers=desk.applicant)

    assert response.status_code == 204
    listed = desk.client.get(f"{APPLICATIONS}/{application_id}/attachments", headers=desk.applicant)
    assert [item["id"] for item in listed.json] == [keep["id"]]
    assert [path.read_bytes() for path in stored_files(store_dir)] == [sample("finanzplan.pdf")]
    assert desk.client.get(one(application_id, drop["id"]), headers=desk.applicant).status_code == 404


def test_changes_requested_opens_the_attachments_again(desk: Desk) -> None:
    application_id = changes_requested(desk)

    created = upload(desk, application_id, sample("kosten.xlsx"), "kosten.xlsx")
    deleted = desk.client.delete(one(application_id, created.json["id"]), headers=desk.applicant)

    assert created.status_code == 201 and deleted.status_code == 204


# ---------------------------------------------------------------- type from content


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("finanzplan.pdf", "application/pdf"),
        ("logo.png", "image/png"),
        ("foto.jpg", "image/jpeg"),
        ("konzept.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("kosten.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("konzept.odt", "application/vnd.oasis.opendocument.text"),
        ("kosten.ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_each_accepted_kind_is_stored_with_the_type_its_content_shows(
    desk: Desk, name: str, content_type: str
) -> None:
    response = upload(desk, desk.draft(), sample(name), name, sent_type="application/octet-stream")

    assert response.status_code == 201, response.json
    assert response.json["content_type"] == content_type


def test_the_type_comes_from_the_content_not_from_the_name_or_the_sent_content_type(desk: Desk) -> None:
    created = uploaded(desk, desk.draft(), name="bild.png")

    assert created["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "antrag.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.png"),
        (b"<html><body>Hallo</body></html>", "brief.docx"),
        (sample("archiv.zip"), "konzept.docx"),
        (sample("mit-makro.docm"), "konzept.docx"),
    ],
)
def test_other_content_is_refused_with_415_naming_file_and_nothing_is_kept(
    desk: Desk, store_dir: Path, content: bytes, name: str
) -> None:
    response = upload(desk, desk.draft(), content, name)

    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert list(response.json["errors"]) == ["file"]
    assert stored_files(store_dir) == [] and row_count(desk.app) == 0


# ---------------------------------------------------------------- sizes and counts


def test_a_file_over_the_size_limit_gets_413_naming_the_limit(desk: Desk, store_dir: Path) -> None:
    response = upload(desk, desk.draft(), padded_pdf(MAX_FILE + 1))

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"]["file"] == ["the file is larger than the limit of 32 KiB per file"]
    assert stored_files(store_dir) == [] and row_count(desk.app) == 0


def test_a_file_exactly_at_the_size_limit_is_accepted(desk: Desk) -> None:
    assert uploaded(desk, desk.draft(), padded_pdf(MAX_FILE))["size_bytes"] == MAX_FILE


def test_a_body_over_the_request_limit_gets_a_problem_details_413_not_an_html_page(desk: Desk) -> None:
    response = upload(desk, desk.draft(), padded_pdf(MAX_REQUEST + 1))

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"]["file"] == ["the file is larger than the limit of 32 KiB per file"]


def test_a_streamed_body_without_length_over_the_request_limit_gets_a_problem_details_413(desk: Desk) -> None:
    application_id = desk.draft()
    environ = EnvironBuilder(
        path=f"{APPLICATIONS}/{application_id}/attachments",
        method="POST",
        headers=desk.applicant,
        data={"file": (io.BytesIO(padded_pdf(MAX_REQUEST + 1)), "gross.pdf")},
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True  # what a server says for a chunked body

    # Straight to the WSGI app: the test client would put a Content-Length back.
    body, status, headers = run_wsgi_app(desk.app, environ, buffered=True)

    assert status.startswith("413")
    assert headers["Content-Type"] == "application/problem+json"
    assert list(json.loads(b"".join(body))["errors"]) == ["file"]


def test_an_empty_file_is_unprocessable(desk: Desk, store_dir: Path) -> None:
    response = upload(desk, desk.draft(), b"", "leer.pdf")

    assert response.status_code == 422
    assert response.json["errors"] == {"file": ["the file is empty"]}
    assert stored_files(store_dir) == []


def test_a_request_without_the_file_field_is_unprocessable(desk: Desk) -> None:
    response = desk.client.post(
        f"{APPLICATIONS}/{desk.draft()}/attachments",
        data={"description": "Anlage fehlt", "datei": (io.BytesIO(sample("finanzplan.pdf")), "x.pdf")},
        headers=desk.applicant,
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_a_too_long_description_is_unprocessable(desk: Desk) -> None:
    response = upload(desk, desk.draft(), sample("finanzplan.pdf"), description="x" * 501)

    assert response.status_code == 422
    assert "description" in response.json["errors"]


def test_an_application_takes_only_so_many_attachments(desk: Desk) -> None:
    application_id = desk.draft()
    for _ in range(MAX_COUNT):
        uploaded(desk, application_id)

    response = upload(desk, application_id, sample("logo.png"), "logo.png")

    assert response.status_code == 409
    assert "3 attachments" in response.json["errors"]["file"][0]


def test_the_attachments_of_an_application_together_stay_under_the_total_limit(
    desk: Desk, store_dir: Path
) -> None:
    application_id = desk.draft()
    uploaded(desk, application_id, padded_pdf(30 * KIB))
    uploaded(desk, application_id, padded_pdf(30 * KIB))

    response = upload(desk, application_id, padded_pdf(21 * KIB))

    assert response.status_code == 409
    assert "80 KiB" in response.json["errors"]["file"][0]
    assert len(stored_files(store_dir)) == 2


def test_racing_uploads_never_pass_the_count_limit(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()
    racers = 2 * MAX_COUNT
    start = threading.Barrier(racers)

    def race(_: int) -> int:
        start.wait()
        return upload(desk, application_id, sample("finanzplan.pdf")).status_code

    with ThreadPoolExecutor(racers) as pool:
        statuses = sorted(pool.map(race, range(racers)))

    assert statuses == [201] * MAX_COUNT + [409] * MAX_COUNT
    assert row_count(desk.app) == MAX_COUNT and len(stored_files(store_dir)) == MAX_COUNT


# ---------------------------------------------------------------- who may do what


def test_a_user_of_another_organisation_finds_no_such_application(desk: Desk, tokens: TokenMaker) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    responses = [
        desk.client.get(f"{APPLICATIONS}/{application_id}/attachments", headers=stranger),
        upload(desk, application_id, sample("finanzplan.pdf"), headers=stranger),
        desk.client.get(one(application_id, created["id"]), headers=stranger),
        desk.client.delete(one(application_id, created["id"]), headers=stranger),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert row_count(desk.app) == 1


@pytest.mark.parametrize("role", STAFF)
def test_staff_read_attachments_but_neither_add_nor_delete_them(desk: Desk, role: str) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)
    staff = desk.headers_of(role)

    listed = desk.client.get(f"{APPLICATIONS}/{application_id}/attachments", headers=staff)
    added = upload(desk, application_id, sample("finanzplan.pdf"), headers=staff)
    deleted = desk.client.delete(one(application_id, created["id"]), headers=staff)

    assert listed.status_code == 200 and len(listed.json) == 1
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert row_count(desk.app) == 1


def test_without_a_token_every_attachment_endpoint_is_unauthorized(desk: Desk) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)

    responses = [
        desk.client.get(f"{APPLICATIONS}/{application_id}/attachments"),
        upload(desk, application_id, sample("finanzplan.pdf"), headers={}),
        desk.client.get(one(application_id, created["id"])),
        desk.client.delete(one(application_id, created["id"])),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401, 401]


def test_once_submitted_the_applicant_can_no_longer_add_or_delete_attachments(desk: Desk) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)
    assert desk.act(application_id, "submit", desk.applicant).status_code == 200

    added = upload(desk, application_id, sample("logo.png"), "logo.png")
    deleted = desk.client.delete(one(application_id, created["id"]), headers=desk.applicant)
    downloaded = desk.client.get(one(application_id, created["id"]), headers=desk.applicant)

    assert (added.status_code, deleted.status_code) == (409, 409)
    assert "draft" in added.json["detail"]
    assert downloaded.status_code == 200


def test_an_attachment_is_not_reachable_through_another_application(desk: Desk) -> None:
    first, second = desk.draft(), desk.draft()
    created = uploaded(desk, first)

    assert desk.client.get(one(second, created["id"]), headers=desk.applicant).status_code == 404
    assert desk.client.delete(one(second, created["id"]), headers=desk.applicant).status_code == 404
    assert desk.client.get(one(first, str(uuid.uuid4())), headers=desk.caseworker).status_code == 404


# ---------------------------------------------------------------- the database and the files agree


def applicant_of(desk: Desk) -> Actor:
    return Actor(
        desk.user_ids["applicant"], "applicant@test.example", ("applicant",), (desk.organization_id,)
    )


def limits() -> rules.Limits:
    return rules.Limits(MAX_FILE, MAX_COUNT, MAX_TOTAL)


def test_a_failed_transaction_leaves_neither_a_record_nor_a_file(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()
    store = services.LocalDirectoryStore(store_dir)
    content = services.Upload("finanzplan.pdf", io.BytesIO(sample("finanzplan.pdf")))

    with pytest.raises(RuntimeError), transaction(builders.session_factory(desk.app)) as session:
        services.add_attachment(session, store, application_id, applicant_of(desk), content, limits())
        assert len(stored_files(store_dir)) == 1  # kept, until the transaction fails
        raise RuntimeError("the commit never happens")

    assert stored_files(store_dir) == [] and row_count(desk.app) == 0


def test_a_deletion_that_is_rolled_back_keeps_the_file(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)
    store = services.LocalDirectoryStore(store_dir)

    with pytest.raises(RuntimeError), transaction(builders.session_factory(desk.app)) as session:
        services.delete_attachment(session, store, application_id, created["id"], applicant_of(desk))
        raise RuntimeError("the commit never happens")

    assert len(stored_files(store_dir)) == 1 and row_count(desk.app) == 1
    assert desk.client.get(one(application_id, created["id"]), headers=desk.applicant).status_code == 200


def test_the_session_keeps_no_file_hooks_after_the_transaction(desk: Desk, store_dir: Path) -> None:
    """A later rollback on the same session must not remove a file an earlier commit kept."""
    application_id = desk.draft()
    store = services.LocalDirectoryStore(store_dir)
    content = services.Upload("finanzplan.pdf", io.BytesIO(sample("finanzplan.pdf")))
    session = builders.session_factory(desk.app)()
    with session.begin():
        services.add_attachment(session, store, application_id, applicant_of(desk), content, limits())
    with pytest.raises(RuntimeError), session.begin():
        raise RuntimeError("an unrelated failure")
    session.close()

    assert len(stored_files(store_dir)) == 1 and row_count(desk.app) == 1


def test_a_file_lost_from_the_store_is_reported_as_not_available(desk: Desk, store_dir: Path) -> None:
    application_id = desk.draft()
    created = uploaded(desk, application_id)
    stored_files(store_dir)[0].unlink()

    response = desk.client.get(one(application_id, created["id"]), headers=desk.caseworker)

    assert response.status_code == 404
    assert response.json["detail"] == "the file of this attachment is not available"


def test_the_openapi_document_describes_the_upload_as_multipart_with_a_binary_file(desk: Desk) -> None:
    spec = desk.client.get("/funding/api/v1/openapi.json").json
    post = spec["paths"]["/funding/api/v1/applications/{application_id}/attachments"]["post"]

    reference = post["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert schema["properties"]["file"]["format"] == "binary"
    assert "file" in schema["required"] and "description" in schema["properties"]
