"""Rendering emails from Jinja2 templates per message type and language."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notifications.models import Email
from shared.db import utcnow

TEMPLATES = Path(__file__).parent / "templates"


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


def languages_of(kind: str) -> set[str]:
    """The languages that have all three parts (subject, text, html) of a message type."""
    folder = TEMPLATES / kind
    return {
        path.name.split(".")[0]
        for path in folder.glob("*.subject.txt")
        if (folder / path.name.replace(".subject.txt", ".txt")).exists()
        and (folder / path.name.replace(".subject.txt", ".html")).exists()
    }


def render(kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    env = _environment()
    subject = env.get_template(f"{kind}/{language}.subject.txt").render(context).strip()
    text = env.get_template(f"{kind}/{language}.txt").render(context)
    html = env.get_template(f"{kind}/{language}.html").render(context)
    return subject, text, html


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=email.recipient_name, addr_spec=email.recipient)
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    message["Content-Language"] = email.language  # after set_content, which drops Content-* headers
    return message


def _euro(cents: int) -> str:
    euros, rest = divmod(int(cents), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"
