"""Rendering emails from Jinja2 templates per message type and language.

``templates/<kind>/<lang>.{subject.txt,txt,html}`` hold the parts; the HTML parts extend
``templates/_layout.html``. ``templates/_parts/<lang>/`` holds what every message says alike in a
language (greeting, signature, the contact-person footer), included by the messages, so the KI's
signature is changed in one place. ``DECLARED`` says which languages each message type promises (the test
suite checks the files against it) and ``templates/samples.json`` holds a sample context per type for
previews and for that check.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
SAMPLES = TEMPLATES / "samples.json"

# Everything applicants, contacts and participants read comes in the community languages the KI
# serves; what only staff read is German.
COMMUNITY_LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru")
STAFF_LANGUAGES = ("de",)
RIGHT_TO_LEFT = frozenset({"ar"})
DECLARED: dict[str, tuple[str, ...]] = {
    "application_approved": COMMUNITY_LANGUAGES,
    "application_changes_requested": COMMUNITY_LANGUAGES,
    "application_rejected": COMMUNITY_LANGUAGES,
    "application_submitted": COMMUNITY_LANGUAGES,
    "application_submitted_staff": STAFF_LANGUAGES,
    "application_resubmitted_staff": ("de", "en"),
    "application_review_started": COMMUNITY_LANGUAGES,
    "application_withdrawn": COMMUNITY_LANGUAGES,
    "call_published": COMMUNITY_LANGUAGES,
    "digest": COMMUNITY_LANGUAGES,
    "ki_event": COMMUNITY_LANGUAGES,
    "ki_event_registration": COMMUNITY_LANGUAGES,
    "password_reset": COMMUNITY_LANGUAGES,
    "payout_approved": COMMUNITY_LANGUAGES,
    "payout_rejected": COMMUNITY_LANGUAGES,
    "payout_requested_staff": ("de", "en"),
    "registration_confirm": COMMUNITY_LANGUAGES,
    "report_accepted": COMMUNITY_LANGUAGES,
    "report_changes_requested": COMMUNITY_LANGUAGES,
    "report_due": COMMUNITY_LANGUAGES,
    "report_overdue": COMMUNITY_LANGUAGES,
    "report_submitted_staff": ("de", "en"),
    "subscription_confirm": COMMUNITY_LANGUAGES,
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        keep_trailing_newline=True,
    )
    env.filters["euro"] = _euro
    return env


def kinds() -> list[str]:
    """The message types that have a folder of templates."""
    return sorted(
        path.name for path in TEMPLATES.iterdir() if path.is_dir() and not path.name.startswith("_")
    )


def languages_of(kind: str) -> set[str]:
    """The languages that have all three parts (subject, text, html) of a message type."""
    return set(_languages(kind))


@cache
def _languages(kind: str) -> frozenset[str]:
    # Looked up once per type and process: planning asks for every recipient, and templates are
    # deployed with the code (a new language needs a restart, like any code change).
    folder = TEMPLATES / kind
    return frozenset(
        path.name.split(".")[0]
        for path in folder.glob("*.subject.txt")
        if (folder / path.name.replace(".subject.txt", ".txt")).exists()
        and (folder / path.name.replace(".subject.txt", ".html")).exists()
    )


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    env = _environment()
    subject = env.get_template(f"{kind}/{language}.subject.txt").render(context).strip()
    text = env.get_template(f"{kind}/{language}.txt").render(context)
    html = env.get_template(f"{kind}/{language}.html").render(context)
    return subject, text, html


@cache
def _samples() -> dict[str, dict[str, Any]]:
    return json.loads(SAMPLES.read_text(encoding="utf-8"))


def sample_context(kind: str) -> dict[str, Any]:
    """A realistic context for ``kind`` (a copy: callers may change it); KeyError if there is none."""
    return json.loads(json.dumps(_samples()[kind]))


def _euro(cents: int) -> str:
    euros, rest = divmod(int(cents), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"
