"""The caseworker's assessment: which checklist answers are valid and when it is complete."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared.errors import Invalid

ANSWERS = ("met", "not_met", "not_applicable")
# The assessment may be worked on while the caseworker reviews; recommending freezes it.
EDITABLE_STATES = ("submitted", "in_review")
MANAGERS = ("approver", "admin")


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    required: bool


@dataclass(frozen=True)
class Answer:
    item_id: str
    answer: str
    note: str = ""


def check_answers(items: Iterable[Item], answers: list[Answer]) -> None:
    """Every answer is for one of the programme's current items, at most once each."""
    known = {item.id for item in items}
    errors: list[str] = []
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        if answer.item_id not in known:
            errors.append(f"answer {index + 1}: {answer.item_id} is not on this programme's checklist")
        elif answer.item_id in seen:
            errors.append(f"answer {index + 1}: item {answer.item_id} is answered twice")
        seen.add(answer.item_id)
    if errors:
        raise Invalid({"answers": errors})


def missing_required(items: Iterable[Item], answered_ids: Iterable[str]) -> list[Item]:
    answered = set(answered_ids)
    return [item for item in items if item.required and item.id not in answered]


def check_complete(items: Iterable[Item], answered_ids: Iterable[str]) -> None:
    """A recommendation needs every required item answered (met, not met or not applicable)."""
    missing = missing_required(items, answered_ids)
    if missing:
        texts = "; ".join(f"“{item.text}”" for item in missing)
        raise Invalid(
            {"assessment": [f"answer every required checklist item before recommending; missing: {texts}"]},
            "The assessment is not complete.",
        )
