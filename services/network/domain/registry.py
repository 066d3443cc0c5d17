"""Registry rules that need no database: organisation status changes."""

from __future__ import annotations

from shared.errors import Conflict


def check_can_verify(status: str) -> None:
    if status != "registered":
        raise Conflict(f"an organisation in status {status!r} cannot be verified", field="status")
