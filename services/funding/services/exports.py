"""The budget overview and funding histories as tables for the integration committee (CSV, XLSX)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.funding.domain.reports import berlin_date
from services.funding.services.overview import BudgetLine, FundingHistory
from shared import spreadsheets
from shared.db import utcnow
from shared.spreadsheets import Cell, euros

# German names of the workflow states; a state added later shows its key until it gets one here.
STATE_LABELS = {
    "draft": "Entwurf",
    "submitted": "Eingereicht",
    "in_review": "In Prüfung",
    "changes_requested": "Nachbesserung angefordert",
    "recommended": "Empfohlen",
    "approved": "Bewilligt",
    "rejected": "Abgelehnt",
    "withdrawn": "Zurückgezogen",
    "paying_out": "In Auszahlung",
    "report_due": "Verwendungsnachweis fällig",
    "report_overdue": "Verwendungsnachweis überfällig",
    "report_submitted": "Verwendungsnachweis eingereicht",
    "report_changes_requested": "Verwendungsnachweis: Nachbesserung angefordert",
    "closed": "Abgeschlossen",
}
BUDGET_HEADER = (
    "Programm",
    "Haushaltsjahr",
    "Budget (EUR)",
    "Gebunden (EUR)",
    "Ausgezahlt (EUR)",
    "Zurückgeflossen (EUR)",
    "Verfügbar (EUR)",
)
HISTORY_HEADER = (
    "Projekt",
    "Programm",
    "Förderaufruf",
    "Haushaltsjahr",
    "Status",
    "Beantragt (EUR)",
    "Bewilligt (EUR)",
    "Ausgezahlt (EUR)",
    "Zurückgeflossen (EUR)",
    "Angelegt am",
    "Eingereicht am",
    "Entschieden am",
    "Antrags-ID",
)


@dataclass(frozen=True)
class Table:
    name: str  # file name without extension
    sheet: str
    header: Sequence[str]
    rows: list[Sequence[Cell]]


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def budget_table(lines: list[BudgetLine]) -> Table:
    states = list(lines[0].applications_by_state) if lines else []
    header = [*BUDGET_HEADER, *(f"Anträge: {state_label(state)}" for state in states)]
    rows = [_budget_row(line, states) for line in lines]
    return Table(f"haushaltsuebersicht-{export_day()}", "Haushaltsübersicht", header, rows)


def export_day() -> str:
    """Today in Europe/Berlin whatever the server's zone: just after midnight it is already tomorrow."""
    return berlin_date(utcnow()).isoformat()


def _budget_row(line: BudgetLine, states: list[str]) -> list[Cell]:
    amounts = (line.budget_cents, line.committed_cents, line.paid_out_cents, line.returned_cents)
    return [
        line.programme_name,
        line.year,
        *(euros(cents) for cents in amounts),
        euros(line.available_cents),
        *(line.applications_by_state[state] for state in states),
    ]


def history_table(history: FundingHistory) -> Table:
    rows: list[Sequence[Cell]] = [
        [
            line.title,
            line.programme_name,
            line.call_title,
            line.year,
            state_label(line.state),
            euros(line.requested_cents),
            euros(line.approved_cents),
            euros(line.paid_out_cents),
            euros(line.returned_cents),
            line.created_at,
            line.submitted_at,
            line.decided_at,
            line.application_id,
        ]
        for line in history.applications
    ]
    name = f"foerderhistorie-{history.organization_id}-{export_day()}"
    return Table(name, "Förderhistorie", HISTORY_HEADER, rows)


def render(table: Table, file_format: str) -> tuple[object, str]:
    """The file body (CSV as a stream of text, XLSX as bytes) and its media type."""
    if file_format == "csv":
        return spreadsheets.csv_chunks(table.header, table.rows), spreadsheets.CSV_MEDIA_TYPE
    return spreadsheets.xlsx_bytes(table.sheet, table.header, table.rows), spreadsheets.XLSX_MEDIA_TYPE
