"""Importing the spreadsheets KIs keep today: a dry run per row, files in every shape, staff only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import ImportJob, Organization, OrganizationChange
from services.network.services import imports, organizations, taxonomies
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders

IMPORTS = "/network/api/v1/imports"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "imports"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    with transaction(builders.session_factory(apps.network)) as session:
        taxonomies.seed(session)
    return apps.client("network")


@pytest.fixture
def staff(tokens: Any) -> dict[str, str]:
    return tokens.headers("caseworker")


def upload(
    client: FlaskClient, headers: dict[str, str], name: str, content: bytes | None = None, **query: Any
):  # type: ignore[no-untyped-def]
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return client.post(
        IMPORTS, query_string=query, headers=headers, data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )  # fmt: skip


def run_in_process(apps: Apps, job_id: str) -> ImportJob:
    """The worker's use case, run here; the real worker is covered in test_import_worker.py."""
    factory = builders.session_factory(apps.network)
    while not imports.run_import(factory, job_id):
        pass
    with factory() as session:
        return session.get(ImportJob, job_id)


def test_a_dry_run_reports_per_row_what_would_be_created_updated_or_rejected_and_why(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    with transaction(builders.session_factory(apps.network)) as session:
        organizations.create(session, {"name": "Brueckenbau e.V.", "email": "KONTAKT@bruecken.example"}, None)

    response = upload(network, staff, "organisationen-utf8.csv", dry_run="true")

    assert response.status_code == 200, response.json
    report = response.json
    assert (report["total"], report["created"], report["updated"], report["rejected"]) == (4, 2, 1, 1)
    assert [row["action"] for row in report["rows"]] == ["updated", "created", "created", "rejected"]
    assert [row["name"] for row in report["rows"][1:3]] == ["جمعية الأمل", "Українська громада Рейн"]
    broken = report["rows"][3]
    assert broken["row"] == 5
    assert {error["field"] for error in broken["errors"]} == {"type", "postal_code", "district", "email"}
    assert report["ignored_columns"] == ["Bemerkung intern"]
    with builders.session_factory(apps.network)() as session:
        assert len(session.scalars(select(Organization)).all()) == 1  # nothing written


def test_a_windows_1252_semicolon_file_keeps_its_umlauts_and_maps_labels_to_taxonomy_keys(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    response = upload(network, staff, "organisationen-cp1252.csv")
    assert response.status_code == 202, response.json
    job = run_in_process(apps, response.json["id"])

    assert (job.status, job.created_count, job.rejected_count) == ("done", 2, 0)
    with builders.session_factory(apps.network)() as session:
        sweets = session.scalars(select(Organization).where(Organization.email == "info@suess.example")).one()
        assert sweets.name == "Süßwarenfreunde Mülheim e.V." and sweets.street == "Frankfurter Straße 3"
        assert (sweets.type, sweets.district, sweets.status) == (
            "cultural_association",
            "Köln-Mülheim",
            "registered",
        )
        assert organizations.lists(sweets)["languages"] == ["de", "el"]
        history = session.scalars(
            select(OrganizationChange).where(OrganizationChange.organization_id == sweets.id)
        )
        assert [(change.field, change.new_value) for change in history] == [("status", '"registered"')]


def test_an_xlsx_file_imports_like_a_csv_and_a_second_import_updates_instead_of_duplicating(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    first = run_in_process(apps, upload(network, staff, "organisationen.xlsx").json["id"])
    again = run_in_process(apps, upload(network, staff, "organisationen.xlsx").json["id"])

    assert (first.created_count, first.updated_count, first.rejected_count) == (3, 0, 0)
    assert (again.created_count, again.updated_count, again.rejected_count) == (0, 3, 0)
    with builders.session_factory(apps.network)() as session:
        bridge = session.scalars(select(Organization).where(Organization.name == "Brückenbau e.V.")).one()
        assert (bridge.postal_code, bridge.legal_form) == ("50670", "ev")
        assert len(session.scalars(select(Organization)).all()) == 3


def test_progress_is_visible_with_counts_and_row_results(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    job_id = upload(network, staff, "organisationen-utf8.csv").json["id"]
    queued = network.get(f"{IMPORTS}/{job_id}", headers=staff)
    run_in_process(apps, job_id)
    done = network.get(f"{IMPORTS}/{job_id}", headers=staff)

    assert queued.status_code == 200 and queued.json["status"] in ("queued", "running", "done")
    assert queued.json["total"] == 4
    body = done.json
    assert (body["status"], body["processed"], body["created"], body["rejected"]) == ("done", 4, 3, 1)
    assert body["rows"][3]["action"] == "rejected" and body["rows"][0]["organization_id"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kein-tabellenblatt.pdf", None),
        ("leer.csv", b""),
        ("ohne-namensspalte.csv", None),
        ("nur-kopf.csv", b"Name;Ort\n"),
        ("kaputt.xlsx", b"PK\x03\x04 not really a zip"),
        ("gross.csv", b"Name\n" + b"x" * (6 * 1024 * 1024)),
    ],
)
def test_a_file_that_is_no_usable_spreadsheet_is_422_naming_file(
    network: FlaskClient, staff: dict[str, str], name: str, content: bytes | None
) -> None:
    for dry_run in ("true", "false"):
        response = upload(network, staff, name, content, dry_run=dry_run)

        assert response.status_code == 422, response.json
        assert set(response.json["errors"]) == {"file"}


def test_a_missing_file_is_422_naming_file(network: FlaskClient, staff: dict[str, str]) -> None:
    response = network.post(IMPORTS, headers=staff, data={}, content_type="multipart/form-data")

    assert response.status_code == 422 and set(response.json["errors"]) == {"file"}


def test_applicants_and_anonymous_callers_can_neither_import_nor_watch_an_import(
    apps: Apps, network: FlaskClient, staff: dict[str, str], tokens: Any
) -> None:
    job_id = upload(network, staff, "organisationen-utf8.csv").json["id"]
    own = builders.verified_organisation(apps.network, "Eigener Verein", "kontakt@eigen.example")
    applicant = tokens.headers("applicant", orgs=(own.id,))

    assert upload(network, applicant, "organisationen-utf8.csv", dry_run="true").status_code == 403
    assert upload(network, applicant, "organisationen-utf8.csv").status_code == 403
    assert network.get(f"{IMPORTS}/{job_id}", headers=applicant).status_code == 403
    assert upload(network, {}, "organisationen-utf8.csv").status_code == 401
    assert network.get(f"{IMPORTS}/{job_id}").status_code == 401
    assert network.get(f"{IMPORTS}/00000000-0000-0000-0000-000000000000", headers=staff).status_code == 404
