"""What decision letters say, and that any organisation's name renders into a readable PDF."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date

import pytest
from fpdf import FPDFException
from pypdf import PdfReader

from services.funding.domain import letters
from services.funding.domain.letters import APPROVAL, REJECTION, LetterFacts, compose
from services.funding.services import letters as rendering

FACTS = LetterFacts(
    kind=APPROVAL,
    application_id="0b7c2a8e-0000-4000-8000-000000000001",
    organisation="Brückenbau e.V.",
    district="Köln-Mülheim",
    project_title="Sprachcafé für Eltern",
    programme="KOMM-AN NRW",
    requested_cents=1_234_567,
    approved_cents=1_000_050,
    financing_type="shortfall",
    budget_year=2027,
    decided_on=date(2027, 2, 3),
    approver="leitung@ki.example",
    report_due_days=180,
    reviewer="sachbearbeitung@ki.example",
    submitted_on=date(2027, 1, 15),
    project_start=date(2027, 3, 1),
    project_end=date(2027, 10, 31),
    report_due=date(2028, 4, 28),
)
REJECTED = dataclasses.replace(
    FACTS, kind=REJECTION, approved_cents=None, reasons=("Außerhalb des Förderzwecks.", "Kosten unplausibel.")
)


def text_of(letter: letters.Letter) -> str:
    lines = [*letter.sender, *letter.recipient, letter.title, letter.subject]
    for section in letter.sections:
        lines += [section.heading, *section.paragraphs]
    return "\n".join(lines)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- content --------------------------------------------------------------------------------------


def test_an_approval_letter_states_amounts_in_german_notation_period_and_conditions() -> None:
    content = text_of(compose(FACTS))

    assert "Beantragter Betrag: 12.345,67 €" in content
    assert "Bewilligter Betrag: 10.000,50 €" in content
    assert "Bewilligungszeitraum: 01.03.2027 bis 31.10.2027" in content
    assert "auf Ihren Antrag vom 15.01.2027" in content
    assert "Datum: 03.02.2027" in content
    assert "(ANBest-P)" in content
    assert "ist bis zum 28.04.2028 vorzulegen" in content
    assert "Geprüft (Sachbearbeitung): sachbearbeitung@ki.example" in content
    assert "Entschieden (Leitung): leitung@ki.example" in content


@pytest.mark.parametrize(
    ("financing_type", "label"),
    [
        ("shortfall", "Fehlbedarfsfinanzierung"),
        ("share", "Anteilfinanzierung"),
        ("fixed", "Festbetragsfinanzierung"),
        ("unheard-of", "Fehlbedarfsfinanzierung"),
    ],
)
def test_the_financing_type_is_named_in_german(financing_type: str, label: str) -> None:
    letter = compose(dataclasses.replace(FACTS, financing_type=financing_type))

    assert f"Finanzierungsart: {label}" in text_of(letter)


def test_without_a_project_period_the_budget_year_and_the_due_rule_stand_in() -> None:
    facts = dataclasses.replace(FACTS, project_start=None, project_end=None, report_due=None)

    content = text_of(compose(facts))

    assert "Bewilligungszeitraum: Haushaltsjahr 2027" in content
    assert "spätestens 180 Tage nach Ende des Bewilligungszeitraums" in content


def test_a_rejection_numbers_its_reasons_and_grants_nothing() -> None:
    letter = compose(REJECTED)
    content = text_of(letter)

    assert (letter.title, letter.filename) == (
        "Ablehnungsbescheid",
        f"Ablehnungsbescheid-{FACTS.application_id}.pdf",
    )
    assert "1. Außerhalb des Förderzwecks." in content and "2. Kosten unplausibel." in content
    assert "über 12.345,67 € lehnen wir ab" in content
    assert "Bewilligt" not in content and "ANBest-P" not in content


def test_a_rejection_straight_from_review_names_no_reviewer() -> None:
    content = text_of(compose(dataclasses.replace(REJECTED, reviewer=None)))

    assert "Geprüft" not in content and "Entschieden (Leitung): leitung@ki.example" in content


# --- the PDF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Yardımlaşma ve Dayanışma Derneği (Şişli)", "Общество «Дружба» — Ёлкин", "Ελληνική Κοινότητα"]
)
def test_names_in_other_scripts_come_out_of_the_pdf_as_written(name: str) -> None:
    pdf = rendering.render(compose(dataclasses.replace(FACTS, organisation=name)))

    content = pdf_text(pdf)
    assert name in content
    assert "Bewilligter Betrag: 10.000,50 €" in content


def test_an_arabic_name_renders_with_the_rest_of_the_letter() -> None:
    pdf = rendering.render(compose(dataclasses.replace(REJECTED, organisation="جمعية الصداقة في كولونيا")))

    assert "1. Außerhalb des Förderzwecks." in pdf_text(pdf)


def test_a_name_longer_than_a_line_without_spaces_wraps_instead_of_failing() -> None:
    name = "Integrationsundteilhabeförderverein" * 8

    content = pdf_text(rendering.render(compose(dataclasses.replace(FACTS, organisation=name))))

    assert "Brückenbau" not in content and "Integrationsundteilhabeförderverein" in content


@pytest.fixture
def without_unicode_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine where neither the font packages nor a system font are there."""
    rendering._main_font.cache_clear()
    monkeypatch.setattr(rendering, "MAIN_FONT", ("no_such_font_package", "x.ttf"))
    monkeypatch.setattr(rendering, "SYSTEM_FONTS", ("/nonexistent/font.ttf",))
    yield
    rendering._main_font.cache_clear()


@pytest.mark.usefixtures("without_unicode_fonts")
def test_without_a_unicode_font_the_letter_is_still_issued_with_what_the_core_font_can_show() -> None:
    pdf = rendering.render(compose(dataclasses.replace(FACTS, organisation="Yardımlaşma Derneği")))

    content = pdf_text(pdf)
    assert "Zuwendungsbescheid" in content and "Brückenbau" not in content
    assert "Yard?mla?ma Derne?i" in content
    assert "Bewilligter Betrag: 10.000,50 €" in content and "„Sprachcafé für Eltern“" in content


def test_a_letter_that_text_shaping_cannot_lay_out_is_rendered_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_render = rendering._render

    def shaping_fails(letter: letters.Letter, arabic: bool, shaping: bool) -> bytes:
        if shaping:
            raise FPDFException("Not enough horizontal space to render a single character")
        return real_render(letter, arabic, shaping)

    monkeypatch.setattr(rendering, "_render", shaping_fails)
    facts = dataclasses.replace(FACTS, organisation="جمعية الصداقة")

    assert "Zuwendungsbescheid" in pdf_text(rendering.render(compose(facts)))
