"""Exports for the integration committee: CSV and XLSX that German Excel reads, with the API's figures."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from werkzeug.test import TestResponse

from services.funding import domain
from services.funding.services import exports
from tests.conftest import Apps
from tests.integration.funding.helpers import Desk, make_eligible
from tests.support import builders
from tests.support.tokens import TokenMaker

BUDGETS = "/funding/api/v1/budgets"
BUDGET = 12_345_678
MONEY_HEADERS = (
    "Budget (EUR)",
    "Gebunden (EUR)",
    "Ausgezahlt (EUR)",
    "Zurückgeflossen (EUR)",
    "Verfügbar (EUR)",
)
LEDGER_FIELDS = ("budget_cents", "committed_cents", "paid_out_cents", "returned_cents", "available_cents")


def history_url(organization_id: str, suffix: str = "") -> str:
    return f"/funding/api/v1/organizations/{organization_id}/funding-history{suffix}"


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, budget_cents=BUDGET))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def csv_table(response: TestResponse) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "German Excel needs the UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_table(response: TestResponse) -> tuple[list[str], list[tuple]]:
    """The header and the rows of cells (openpyxl Cell objects, to check formats too)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook.active.iter_rows())
    return [cell.value for cell in rows[0]], rows[1:]


def german_decimal(text: str) -> Decimal:
    assert "." not in text, f"{text!r}: a thousands point would make Excel read a date or text"
    return Decimal(text.replace(",", "."))


def test_the_budget_csv_carries_the_overviews_figures_in_german_notation(desk: Desk) -> None:
    desk.in_state("approved", recommended_cents=123_456)
    desk.in_state("submitted")
    overview = desk.client.get(BUDGETS, headers=desk.caseworker).json

    (row,) = csv_table(desk.client.get(f"{BUDGETS}/export.csv", headers=desk.caseworker))

    (line,) = overview
    assert (row["Programm"], row["Haushaltsjahr"]) == ("KOMM-AN NRW", str(line["year"]))
    assert row["Gebunden (EUR)"] == "1234,56"
    for header, field in zip(MONEY_HEADERS, LEDGER_FIELDS, strict=True):
        assert german_decimal(row[header]) * 100 == line[field], header
    assert row["Anträge: Bewilligt"] == "1"
    assert row["Anträge: Eingereicht"] == "1"
    assert row["Anträge: Entwurf"] == "0"


def test_the_budget_xlsx_holds_numbers_in_a_currency_format(desk: Desk) -> None:
    desk.in_state("approved", recommended_cents=400_001)
    (line,) = desk.client.get(BUDGETS, headers=desk.caseworker).json

    header, rows = xlsx_table(desk.client.get(f"{BUDGETS}/export.xlsx", headers=desk.approver))

    (row,) = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["Programm"].value == "KOMM-AN NRW"
    assert cells["Haushaltsjahr"].value == line["year"]
    for title, field in zip(MONEY_HEADERS, LEDGER_FIELDS, strict=True):
        cell = cells[title]
        assert isinstance(cell.value, int | float), f"{title} must be a number, not text"
        assert round(Decimal(str(cell.value)) * 100) == line[field], title
        assert "€" in cell.number_format and "0.00" in cell.number_format
    assert cells["Anträge: Bewilligt"].value == 1


def test_the_budget_export_takes_the_overviews_filters(apps: Apps, desk: Desk) -> None:
    other = builders.open_call(apps.funding, name="Integrationsfonds")

    rows = csv_table(
        desk.client.get(f"{BUDGETS}/export.csv?programme_id={other.programme_id}", headers=desk.caseworker)
    )
    refused = desk.client.get(f"{BUDGETS}/export.csv?year=morgen", headers=desk.caseworker)

    assert [row["Programm"] for row in rows] == ["Integrationsfonds"]
    assert refused.status_code == 422 and "year" in refused.json["errors"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_name_a_file_to_download(desk: Desk, file_format: str) -> None:
    response = desk.client.get(f"{BUDGETS}/export.{file_format}", headers=desk.caseworker)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="haushaltsuebersicht-')
    assert disposition.endswith(f'.{file_format}"')


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_applicants_cannot_download_the_budget_export(desk: Desk, file_format: str) -> None:
    assert desk.client.get(f"{BUDGETS}/export.{file_format}", headers=desk.applicant).status_code == 403
    assert desk.client.get(f"{BUDGETS}/export.{file_format}").status_code == 401


def test_an_unknown_export_format_is_not_found(desk: Desk) -> None:
    assert desk.client.get(f"{BUDGETS}/export.pdf", headers=desk.caseworker).status_code == 404


def test_the_history_csv_lists_each_application_with_amounts_and_berlin_dates(desk: Desk) -> None:
    approved = desk.in_state("approved", recommended_cents=400_000)
    api = desk.client.get(history_url(desk.organization_id), headers=desk.applicant).json
    (line,) = api["applications"]

    (row,) = csv_table(
        desk.client.get(history_url(desk.organization_id, "/export.csv"), headers=desk.applicant)
    )

    assert row["Antrags-ID"] == approved
    assert (row["Projekt"], row["Programm"], row["Status"]) == (
        "Sprachcafé für Eltern",
        "KOMM-AN NRW",
        "Bewilligt",
    )
    assert german_decimal(row["Beantragt (EUR)"]) * 100 == line["requested_cents"] == 450_050
    assert row["Bewilligt (EUR)"] == "4000,00"
    assert row["Ausgezahlt (EUR)"] == "0,00"
    decided = datetime.fromisoformat(line["decided_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert row["Entschieden am"] == decided.strftime("%d.%m.%Y %H:%M")


def test_the_history_xlsx_has_dates_and_amounts_as_typed_cells(desk: Desk) -> None:
    desk.in_state("approved", recommended_cents=400_000)
    desk.draft()
    api = desk.client.get(history_url(desk.organization_id), headers=desk.caseworker).json
    approved_line = api["applications"][1]

    header, rows = xlsx_table(
        desk.client.get(history_url(desk.organization_id, "/export.xlsx"), headers=desk.caseworker)
    )

    assert len(rows) == 2
    cells = dict(zip(header, rows[1], strict=True))
    assert round(Decimal(str(cells["Bewilligt (EUR)"].value)) * 100) == approved_line["approved_cents"]
    assert "€" in cells["Bewilligt (EUR)"].number_format
    submitted = datetime.fromisoformat(approved_line["submitted_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    assert isinstance(cells["Eingereicht am"].value, datetime)
    assert cells["Eingereicht am"].value.strftime("%d.%m.%Y %H:%M") == submitted.strftime("%d.%m.%Y %H:%M")
    draft = dict(zip(header, rows[0], strict=True))
    assert draft["Status"].value == "Entwurf"
    assert draft["Bewilligt (EUR)"].value is None


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_member_of_another_organisation_cannot_download_the_history(
    desk: Desk, tokens: TokenMaker, file_format: str
) -> None:
    desk.in_state("approved")
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))
    url = history_url(desk.organization_id, f"/export.{file_format}")
    assert desk.client.get(url, headers=stranger).status_code == 404


FORMULAS = ['=HYPERLINK("http://evil.example")', "+49 221 1234", "-1+1", "@SUM(A1:A2)"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_text_that_looks_like_a_formula_is_exported_as_text(
    apps: Apps, tokens: TokenMaker, formula: str
) -> None:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding, name=formula))
    make_eligible(apps.funding, desk.organization_id)
    desk.draft(desk.body(title=formula))
    history = history_url(desk.organization_id, "/export")

    (budget_row,) = csv_table(desk.client.get(f"{BUDGETS}/export.csv", headers=desk.caseworker))
    (history_row,) = csv_table(desk.client.get(f"{history}.csv", headers=desk.caseworker))
    _, budget_cells = xlsx_table(desk.client.get(f"{BUDGETS}/export.xlsx", headers=desk.caseworker))
    _, history_cells = xlsx_table(desk.client.get(f"{history}.xlsx", headers=desk.caseworker))

    assert budget_row["Programm"] == history_row["Projekt"] == history_row["Programm"] == "'" + formula
    assert budget_cells[0][0].value == history_cells[0][0].value == "'" + formula
    assert budget_cells[0][0].data_type == "s"


def test_every_workflow_state_has_a_german_name_in_the_exports() -> None:
    assert set(domain.STATES) <= set(exports.STATE_LABELS)
