"""Decision letters: facts from the application, rendered as PDF, stored once, served to who may see it."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF, FPDFException, XPos, YPos
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.funding.domain import letters as content
from services.funding.domain.reports import berlin_date, due_on
from services.funding.models import Application, EligibleOrganization
from services.funding.models.assessments import Assessment
from services.funding.models.letters import DecisionLetter
from services.funding.services import workflow
from shared.auth import Actor
from shared.errors import Conflict, NotFound

log = logging.getLogger(__name__)

# Unicode fonts shipped in PyPI packages: Arimo (Latin incl. Turkish, Cyrillic, Greek, Hebrew; chosen
# over Noto Sans because letters render in ~60 % of the time) with Noto Sans Arabic as fallback; then
# the system's DejaVu; the last resort is a core PDF font that knows only Windows-1252 (€ included).
MAIN_FONT = ("fontpkg_arimo", "Arimo[wght].ttf")
ARABIC_FONT = ("fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf")
SYSTEM_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
CORE_FONT = "helvetica"
CORE_ENCODING = "cp1252"
# Arabic needs its own font and text shaping; letters without it skip both, which halves their cost.
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class Decision:
    """What the use case knows at the moment of deciding, before anything is written."""

    kind: str
    approver: Actor
    decided_at: datetime
    report_due_days: int
    approved_cents: int | None = None
    reasons: tuple[str, ...] = ()


def prepare(session: Session, application: Application, decision: Decision) -> DecisionLetter:
    """The letter for ``decision``, rendered but not yet added to the session."""
    letter = content.compose(_facts(session, application, decision))
    pdf = render(letter)
    return DecisionLetter(
        application_id=application.id,
        kind=letter.kind,
        filename=letter.filename,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_at=decision.decided_at,
    )


def get_letter(session: Session, application_id: str, actor: Actor) -> DecisionLetter:
    """The application's letter for its applicant and staff; another organisation's looks like none."""
    workflow.get_application(session, application_id, actor)
    letter = session.scalar(select(DecisionLetter).where(DecisionLetter.application_id == application_id))
    if letter is None:
        raise NotFound("no decision letter yet: the application has not been approved or rejected")
    if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
        raise Conflict("the stored decision letter does not match its checksum; ask KI staff")
    return letter


def _facts(session: Session, application: Application, decision: Decision) -> content.LetterFacts:
    organisation = session.get(EligibleOrganization, application.organization_id)
    programme = application.call.programme
    end = application.end_date
    return content.LetterFacts(
        kind=decision.kind,
        application_id=application.id,
        organisation=organisation.name if organisation else f"Organisation {application.organization_id}",
        district=organisation.district if organisation else "",
        project_title=application.title,
        programme=programme.name,
        requested_cents=application.requested_cents,
        approved_cents=decision.approved_cents,
        financing_type=programme.financing_type,
        budget_year=application.call.budget_year,
        decided_on=berlin_date(decision.decided_at),
        approver=decision.approver.email or decision.approver.user_id,
        report_due_days=decision.report_due_days,
        reviewer=_reviewer(session, application),
        submitted_on=berlin_date(application.submitted_at) if application.submitted_at else None,
        project_start=application.start_date,
        project_end=end,
        report_due=due_on(end, decision.report_due_days) if end else None,
        reasons=decision.reasons,
    )


def _reviewer(session: Session, application: Application) -> str | None:
    assessment = session.get(Assessment, application.id)
    if assessment is None or assessment.completed_at is None:
        return None
    return assessment.assessor_email or assessment.assessor_id


# --- PDF ------------------------------------------------------------------------------------------


def render(letter: content.Letter) -> bytes:
    """The letter as PDF. A line that text shaping cannot lay out is rendered again without shaping
    rather than failing the decision."""
    arabic = ARABIC.search(" ".join(_all_lines(letter))) is not None
    shaping = arabic and _can_shape()
    try:
        return _render(letter, arabic, shaping)
    except FPDFException:
        if not shaping:
            raise
        log.warning("letter %s: text shaping failed, rendering without it", letter.filename)
        return _render(letter, arabic, shaping=False)


def _all_lines(letter: content.Letter) -> list[str]:
    lines = [*letter.sender, *letter.recipient, letter.title, letter.subject]
    for section in letter.sections:
        lines += [section.heading, *section.paragraphs]
    return lines


def _render(letter: content.Letter, arabic: bool, shaping: bool) -> bytes:
    pdf = _new_pdf(letter, _fonts(arabic), shaping)
    _lines(pdf, letter.sender, size=9)
    pdf.ln(6)
    _lines(pdf, letter.recipient, size=11)
    pdf.ln(8)
    _lines(pdf, (letter.title,), size=18)
    _lines(pdf, (letter.subject,), size=11)
    for section in letter.sections:
        pdf.ln(4)
        if section.heading:
            _lines(pdf, (section.heading,), size=13)
        _lines(pdf, section.paragraphs, size=10.5, gap=1.5)
    return bytes(pdf.output())


def _new_pdf(letter: content.Letter, fonts: tuple[Path, ...], shaping: bool) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(letter.title)
    pdf.set_author(letter.sender[0])
    pdf.set_margins(25, 20, 20)
    pdf.core_fonts_encoding = CORE_ENCODING
    for index, path in enumerate(fonts):
        pdf.add_font(f"letter{index}", "", str(path))
    pdf.set_fallback_fonts([f"letter{index}" for index in range(1, len(fonts))])
    if shaping and fonts:
        # German paragraphs run left to right, also when a name starts with Arabic letters.
        pdf.set_text_shaping(True, direction="ltr")
    pdf.add_page()
    pdf.set_font("letter0" if fonts else CORE_FONT)
    return pdf


def _lines(pdf: FPDF, lines: tuple[str, ...], size: float, gap: float = 0) -> None:
    pdf.set_font_size(size)
    for line in lines:
        text = line if pdf.is_ttf_font else line.encode(CORE_ENCODING, "replace").decode(CORE_ENCODING)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)


def _fonts(arabic: bool) -> tuple[Path, ...]:
    """The main font first, then the Arabic one where needed; empty when only the core font is left."""
    main = _main_font()
    arabic_font = _packaged_font(ARABIC_FONT) if arabic else None
    return tuple(path for path in (main, arabic_font) if path) if main else ()


@functools.cache
def _main_font() -> Path | None:
    system = (Path(name) for name in SYSTEM_FONTS if Path(name).is_file())
    main = _packaged_font(MAIN_FONT) or next(system, None)
    if main is None:
        log.warning("no Unicode font found; letters use %s and replace what it cannot show", CORE_FONT)
    return main


def _packaged_font(package_and_file: tuple[str, str]) -> Path | None:
    package, filename = package_and_file
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "files" / filename
    return path if path.is_file() else None


@functools.cache
def _can_shape() -> bool:
    return importlib.util.find_spec("uharfbuzz") is not None
