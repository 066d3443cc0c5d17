"""Registry rules that need no database: organisation status changes and field history."""

from __future__ import annotations

import json
from typing import Any

from shared.errors import Conflict

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "verify": (frozenset({"registered"}), "verified"),
    "suspend": (frozenset({"verified"}), "suspended"),
    "reactivate": (frozenset({"suspended"}), "verified"),
    "archive": (frozenset({"registered", "verified", "suspended"}), "archived"),
}

SCALAR_FIELDS = (
    "name",
    "legal_form",
    "type",
    "street",
    "postal_code",
    "city",
    "municipality",
    "district",
    "email",
    "phone",
    "website",
    "description",
)
LIST_FIELDS = ("fields_of_work", "languages", "target_groups")
# Fields an organisation's record keeps history for (lists are compared as sorted lists).
TRACKED_FIELDS = (*SCALAR_FIELDS, *LIST_FIELDS)
PUBLIC_FIELDS = (
    "id",
    "name",
    "legal_form",
    "type",
    "street",
    "postal_code",
    "city",
    "municipality",
    "district",
    "website",
    "description",
    "fields_of_work",
    "languages",
    "target_groups",
    "status",
)


def next_status(status: str, action: str) -> str:
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise Conflict(f"an organisation in status {status!r} cannot be {_past(action)}", field="status")
    return target


def check_can_verify(status: str) -> None:
    next_status(status, "verify")


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Field -> (old, new) for each tracked field ``after`` sets to a different value."""
    changes = {}
    for field in TRACKED_FIELDS:
        if field not in after:
            continue
        old, new = _comparable(before.get(field)), _comparable(after[field])
        if old != new:
            changes[field] = (old, new)
    return changes


def history_value(value: Any) -> str:
    """How the history stores a value: JSON, so lists and strings read back unchanged."""
    return json.dumps(value, ensure_ascii=False)


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return sorted(value)
    return "" if value is None else value


def _past(action: str) -> str:
    return {"verify": "verified", "suspend": "suspended", "reactivate": "reactivated"}.get(
        action, f"{action}d"
    )
