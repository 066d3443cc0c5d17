"""What a decision letter says (Zuwendungsbescheid, Ablehnungsbescheid), from plain facts; no PDF here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.funding.domain.rules import format_euro

APPROVAL, REJECTION = "approval", "rejection"
TITLES = {APPROVAL: "Zuwendungsbescheid", REJECTION: "Ablehnungsbescheid"}
FINANCING_TYPES = {
    "shortfall": "Fehlbedarfsfinanzierung",
    "share": "Anteilfinanzierung",
    "fixed": "Festbetragsfinanzierung",
}
DEFAULT_AUTHORITY = "Kommunales Integrationszentrum"
LEGAL_REMEDY = (
    "Gegen diesen Bescheid können Sie innerhalb eines Monats nach Bekanntgabe Klage beim zuständigen "
    "Verwaltungsgericht erheben."
)
MACHINE_MADE = "Dieser Bescheid wurde elektronisch erstellt und ist ohne Unterschrift gültig."


@dataclass(frozen=True)
class LetterFacts:
    kind: str
    application_id: str
    organisation: str
    district: str
    project_title: str
    programme: str
    requested_cents: int
    approved_cents: int | None
    financing_type: str
    budget_year: int
    decided_on: date
    approver: str
    report_due_days: int
    reviewer: str | None = None  # the caseworker who recommended; none when rejected straight from review
    submitted_on: date | None = None
    project_start: date | None = None
    project_end: date | None = None
    report_due: date | None = None
    reasons: tuple[str, ...] = ()
    authority: str = DEFAULT_AUTHORITY


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    kind: str
    title: str
    filename: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    subject: str
    sections: tuple[Section, ...]


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def financing_label(financing_type: str) -> str:
    return FINANCING_TYPES.get(financing_type, FINANCING_TYPES["shortfall"])


def compose(facts: LetterFacts) -> Letter:
    title = TITLES[facts.kind]
    body = _approval(facts) if facts.kind == APPROVAL else _rejection(facts)
    return Letter(
        kind=facts.kind,
        title=title,
        filename=f"{title}-{facts.application_id}.pdf",
        sender=(facts.authority, f"Datum: {german_date(facts.decided_on)}"),
        recipient=tuple(line for line in (facts.organisation, facts.district) if line),
        subject=(
            f"Ihr Antrag „{facts.project_title}“ im Förderprogramm {facts.programme}, "
            f"Antragsnummer {facts.application_id}"
        ),
        sections=(*body, _signatures(facts), Section("Rechtsbehelfsbelehrung", (LEGAL_REMEDY, MACHINE_MADE))),
    )


def _approval(facts: LetterFacts) -> tuple[Section, ...]:
    approved = format_euro(facts.approved_cents or 0)
    grant = (
        f"auf Ihren Antrag{_of(facts.submitted_on)} bewilligen wir Ihnen für das Projekt "
        f"„{facts.project_title}“ eine Zuwendung in Höhe von {approved} als nicht rückzahlbaren Zuschuss "
        f"im Wege der Projektförderung ({financing_label(facts.financing_type)})."
    )
    amounts = (
        f"Beantragter Betrag: {format_euro(facts.requested_cents)}",
        f"Bewilligter Betrag: {approved}",
        f"Finanzierungsart: {financing_label(facts.financing_type)}",
        f"Haushaltsjahr: {facts.budget_year}",
        f"Bewilligungszeitraum: {_period(facts)}",
    )
    return (
        Section("", ("Sehr geehrte Damen und Herren,", grant)),
        Section("1. Bewilligung", amounts),
        Section("2. Nebenbestimmungen", _conditions(facts)),
    )


def _conditions(facts: LetterFacts) -> tuple[str, ...]:
    if facts.report_due:
        due = f"bis zum {german_date(facts.report_due)}"
    else:
        due = f"spätestens {facts.report_due_days} Tage nach Ende des Bewilligungszeitraums"
    return (
        "Die Allgemeinen Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P) sind "
        "Bestandteil dieses Bescheids.",
        "Die Zuwendung ist ausschließlich für den bewilligten Zweck zu verwenden.",
        "Die Mittel werden auf Anforderung (Mittelabruf) ausgezahlt, höchstens bis zum bewilligten Betrag.",
        f"Der Verwendungsnachweis (Sachbericht und zahlenmäßiger Nachweis) ist {due} vorzulegen.",
        "Nicht verbrauchte Mittel sind zu erstatten.",
    )


def _rejection(facts: LetterFacts) -> tuple[Section, ...]:
    refusal = (
        f"Ihren Antrag{_of(facts.submitted_on)} auf Förderung des Projekts „{facts.project_title}“ "
        f"über {format_euro(facts.requested_cents)} lehnen wir ab."
    )
    reasons = tuple(f"{number}. {reason}" for number, reason in enumerate(facts.reasons, start=1))
    return (
        Section("", ("Sehr geehrte Damen und Herren,", refusal)),
        Section("Begründung", reasons),
    )


def _signatures(facts: LetterFacts) -> Section:
    reviewed = (f"Geprüft (Sachbearbeitung): {facts.reviewer}",) if facts.reviewer else ()
    return Section("Bearbeitung", (*reviewed, f"Entschieden (Leitung): {facts.approver}"))


def _of(day: date | None) -> str:
    return f" vom {german_date(day)}" if day else ""


def _period(facts: LetterFacts) -> str:
    if facts.project_start and facts.project_end:
        return f"{german_date(facts.project_start)} bis {german_date(facts.project_end)}"
    return f"Haushaltsjahr {facts.budget_year}"
