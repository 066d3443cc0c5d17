"""Decision letters: issued as PDF with the decision, stored unchangeably, downloaded by who may see them."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from werkzeug.test import TestResponse

from services.funding.models import EligibleOrganization
from services.funding.models.letters import DecisionLetter, LetterImmutable
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, body_requesting
from tests.support import builders
from tests.support.tokens import TokenMaker

REQUESTED = 1_234_567  # 12.345,67 €
RECOMMENDED = 1_000_050  # 10.000,50 €
REASONS = ["Das Projekt liegt außerhalb des Förderzwecks.", "Die Kosten sind nicht plausibel."]
START, END = date(2027, 3, 1), date(2027, 10, 31)


def eligible(desk: Desk, name: str) -> None:
    with transaction(builders.session_factory(desk.app)) as session:
        session.add(
            EligibleOrganization(
                organization_id=desk.organization_id, name=name, district="Köln-Kalk", status="verified"
            )
        )


def desk_of(apps: Apps, tokens: TokenMaker, name: str = "Brückenbau e.V.", **call: Any) -> Desk:
    """A desk whose organisation funding knows as verified under ``name``."""
    programmes = builders.open_call(apps.funding, **{"max_amount_cents": REQUESTED, **call})
    desk = Desk.around(apps.funding, tokens, programmes)
    eligible(desk, name)
    return desk


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    return desk_of(apps, tokens)


def recommended(desk: Desk, title: str = "Sprachcafé für Eltern") -> str:
    body = body_requesting(
        desk.programmes.call_id,
        desk.organization_id,
        REQUESTED,
        title=title,
        start_date=START.isoformat(),
        end_date=END.isoformat(),
    )
    return desk.in_state("recommended", body, recommended_cents=RECOMMENDED)


def letter(desk: Desk, application_id: str, headers: dict[str, str] | None = None) -> TestResponse:
    return desk.client.get(f"{APPLICATIONS}/{application_id}/letter", headers=headers or desk.applicant)


def pdf_text(response: TestResponse) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    # Words wrap across lines; one space between words makes the assertions independent of layout.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def decide(desk: Desk, application_id: str, action: str, body: dict[str, Any] | None = None) -> None:
    response = desk.act(application_id, action, desk.approver, body)
    assert response.status_code == 200, response.json


def stored_letters(desk: Desk) -> list[DecisionLetter]:
    with builders.session_factory(desk.app)() as session:
        return list(session.scalars(select(DecisionLetter)))


# --- content --------------------------------------------------------------------------------------


def test_an_approval_issues_a_zuwendungsbescheid_the_applicant_downloads(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    content = pdf_text(letter(desk, application_id))

    for expected in (
        "Zuwendungsbescheid",
        "Kommunales Integrationszentrum",
        "Brückenbau e.V.",
        "Sprachcafé für Eltern",
        "KOMM-AN NRW",
        application_id,
        "Beantragter Betrag: 12.345,67 €",
        "Bewilligter Betrag: 10.000,50 €",
        "Fehlbedarfsfinanzierung",
        "ANBest-P",
        "Bewilligungszeitraum: 01.03.2027 bis 31.10.2027",
        "Verwendungsnachweis",
        "Geprüft (Sachbearbeitung): caseworker@test.example",
        "Entschieden (Leitung): approver@test.example",
        f"Datum: {date.today():%d.%m.%Y}",
    ):
        assert expected in content, (expected, content)


def test_a_rejection_issues_an_ablehnungsbescheid_stating_the_reasons(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "reject", {"reasons": REASONS})

    content = pdf_text(letter(desk, application_id))

    assert "Ablehnungsbescheid" in content and "Zuwendungsbescheid" not in content
    assert "Brückenbau e.V." in content and "12.345,67 €" in content
    assert f"1. {REASONS[0]}" in content and f"2. {REASONS[1]}" in content
    assert "caseworker@test.example" in content and "approver@test.example" in content
    assert "Bewilligter Betrag" not in content


def test_a_programme_paying_a_share_of_costs_says_so_in_the_letter(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_of(apps, tokens, financing_type="share", funding_rate_bp=10_000)
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    assert "Finanzierungsart: Anteilfinanzierung" in pdf_text(letter(desk, application_id))


@pytest.mark.parametrize(
    "name",
    ["Yardımlaşma ve Dayanışma Derneği Şişli", "Общество «Дружба» Кёльн", "جمعية الصداقة Köln e.V."],
)
def test_organisation_names_in_other_scripts_are_printed(apps: Apps, tokens: TokenMaker, name: str) -> None:
    desk = desk_of(apps, tokens, name)
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    content = pdf_text(letter(desk, application_id))

    # Arabic is shaped and laid out right to left, so its extracted text is no longer the input's;
    # the letter must still be issued and the rest of the name be there.
    expected = name if "جمعية" not in name else "Köln e.V."
    assert expected in content


# --- who gets it, and when ------------------------------------------------------------------------


def test_before_a_decision_there_is_no_letter(desk: Desk) -> None:
    application_id = recommended(desk)

    response = letter(desk, application_id)

    assert response.status_code == 404
    assert "no decision letter yet" in response.json["detail"]


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_download_the_letter(desk: Desk, role: str) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    assert "Zuwendungsbescheid" in pdf_text(letter(desk, application_id, desk.headers_of(role)))


def test_another_organisations_applicant_gets_no_letter(desk: Desk, tokens: TokenMaker) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    response = letter(desk, application_id, tokens.headers("applicant", orgs=(str(uuid.uuid4()),)))

    assert response.status_code == 404


def test_the_letter_needs_a_token(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    assert desk.client.get(f"{APPLICATIONS}/{application_id}/letter").status_code == 401


def test_the_download_is_named_after_the_letter_and_tagged_with_its_checksum(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    response = letter(desk, application_id)

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="Zuwendungsbescheid-{application_id}.pdf"'
    )
    assert response.get_etag()[0] == hashlib.sha256(response.get_data()).hexdigest()


# --- stored once, with the decision -----------------------------------------------------------------


def test_the_letter_is_stored_with_the_decision_and_its_sha256(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    [stored] = stored_letters(desk)

    assert (stored.application_id, stored.kind) == (application_id, "approval")
    assert stored.sha256 == hashlib.sha256(stored.pdf).hexdigest()
    assert letter(desk, application_id).get_data() == stored.pdf


def test_an_approval_the_budget_cannot_cover_issues_no_letter(apps: Apps, tokens: TokenMaker) -> None:
    desk = desk_of(apps, tokens, budget_cents=RECOMMENDED - 1)
    application_id = recommended(desk)

    assert desk.act(application_id, "approve", desk.approver).status_code == 409

    assert stored_letters(desk) == []
    assert letter(desk, application_id).status_code == 404


def test_the_database_refuses_to_change_an_issued_letter(desk: Desk) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "approve")

    forge = text("UPDATE decision_letter SET pdf = :pdf")
    with pytest.raises(DBAPIError, match="immutable"), builders.session_factory(desk.app).begin() as session:
        session.execute(forge, {"pdf": b"%PDF-forged"})

    assert stored_letters(desk)[0].pdf.startswith(b"%PDF-1.")


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_application_code_cannot_change_or_delete_an_issued_letter(desk: Desk, change: str) -> None:
    application_id = recommended(desk)
    decide(desk, application_id, "reject", {"reasons": REASONS})

    with pytest.raises(LetterImmutable), builders.session_factory(desk.app).begin() as session:
        stored = session.scalar(select(DecisionLetter))
        if change == "update":
            stored.kind = "approval"
        else:
            session.delete(stored)

    assert stored_letters(desk)[0].kind == "rejection"
