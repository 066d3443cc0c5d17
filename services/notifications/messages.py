"""Rendering emails from Jinja2 templates per message type and language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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


def _euro(cents: int) -> str:
    euros, rest = divmod(int(cents), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d} €"
