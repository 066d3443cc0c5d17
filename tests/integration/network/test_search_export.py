"""Exporting a search result to CSV and XLSX for staff, and reading the export back in."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from services.network.models import (
    Organization,
    OrganizationChange,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
)
from services.network.services import imports, organizations, taxonomies
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders

EXPORT = "/network/api/v1/search/organizations/export"
IMPORTS = "/network/api/v1/imports"
BRIDGE = {
    "name": "Brückenbau e.V.",
    "legal_form": "ev",
    "type": "cultural_association",
    "street": "Weißenburgstraße 12",
    "postal_code": "50670",
    "city": "Köln",
    "municipality": "Köln",
    "district": "Köln-Innenstadt",
    "email": "kontakt@bruecken.example",
    "phone": "+49 221 123456",
    "website": "https://bruecken.example",
    "description": 'Wir bauen Brücken;\nzwischen Familien, "mit" Herz.',
    "fields_of_work": ["culture", "education"],
    "languages": ["ar", "de", "tr"],
    "target_groups": ["children", "parents"],
}


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    with transaction(builders.session_factory(apps.network)) as session:
        taxonomies.seed(session)
    return apps.client("network")


def add(apps: Apps, data: dict[str, Any], verify: bool = True) -> str:
    with transaction(builders.session_factory(apps.network)) as session:
        organization = organizations.create(session, data, actor=None)
        if verify:
            organizations.change_status(session, organization.id, "verify", "Test", actor=None)
        return organization.id


def snapshot(apps: Apps) -> list[dict[str, Any]]:
    fields = [name for name in BRIDGE if name not in ("fields_of_work", "languages", "target_groups")]
    with builders.session_factory(apps.network)() as session:
        found = session.scalars(select(Organization).order_by(Organization.name))
        return [{**{f: getattr(o, f) for f in fields}, **organizations.lists(o)} for o in found]


def test_the_csv_export_holds_every_match_not_one_page_with_german_headers_for_excel(
    apps: Apps, network: FlaskClient, tokens: Any
) -> None:
    for number in range(30):
        add(apps, {"name": f"Verein {number:02}", "district": "Köln-Porz"})
    add(apps, {"name": "Anderswo e.V.", "district": "Köln-Kalk"})

    response = network.get(
        EXPORT, query_string={"district": "Köln-Porz"}, headers=tokens.headers("caseworker")
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Name", "Rechtsform", "Art der Organisation", "Straße"]
    assert [row[0] for row in rows[1:]] == [f"Verein {number:02}" for number in range(30)]
    assert rows[1][rows[0].index("Stadtbezirk")] == "Köln-Porz"
    by_text = network.get(EXPORT, query_string={"q": "anderswo"}, headers=tokens.headers("caseworker"))
    assert by_text.get_data().decode("utf-8-sig").splitlines()[1].startswith("Anderswo e.V.;")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_into_an_empty_registry_unchanged(
    apps: Apps, network: FlaskClient, tokens: Any, file_format: str
) -> None:
    add(apps, BRIDGE)
    add(apps, {"name": "جمعية الأمل", "district": "Köln-Mülheim", "languages": ["ar"]}, verify=False)
    add(apps, {"name": "Українська громада", "phone": "-", "description": "=1+1 bleibt Text"})
    before, staff = snapshot(apps), tokens.headers("caseworker")

    exported = network.get(EXPORT, query_string={"format": file_format}, headers=staff)
    content = exported.get_data()  # the body streams: read it before the registry is emptied
    with transaction(builders.session_factory(apps.network)) as session:
        for model in (
            OrganizationChange,
            OrganizationFieldOfWork,
            OrganizationLanguage,
            OrganizationTargetGroup,
        ):
            session.execute(delete(model))
        for model in (Organization,):
            session.execute(delete(model))
    name = f"export.{file_format}"
    body = {"file": (io.BytesIO(content), name)}
    posted = network.post(IMPORTS, headers=staff, data=body, content_type="multipart/form-data")
    assert posted.status_code == 202, posted.json
    job_id = posted.json["id"]
    while not imports.run_import(builders.session_factory(apps.network), job_id):
        pass
    job = network.get(f"{IMPORTS}/{job_id}", headers=staff).json

    assert exported.status_code == 200
    assert (job["created"], job["updated"], job["rejected"]) == (3, 0, 0), job["rows"]
    assert snapshot(apps) == before
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        assert [cell.value for cell in next(sheet.iter_rows(max_row=1))][:2] == ["Name", "Rechtsform"]


def test_applicants_anonymous_callers_and_bad_formats_get_no_export(
    apps: Apps, network: FlaskClient, tokens: Any
) -> None:
    own = add(apps, {"name": "Eigener Verein"})
    applicant = tokens.headers("applicant", orgs=(own,))

    assert network.get(EXPORT, headers=applicant).status_code == 403
    assert network.get(EXPORT).status_code == 401
    wrong = network.get(EXPORT, query_string={"format": "pdf"}, headers=tokens.headers("admin"))
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"format"}
