"""GDPR rules that need no database: what erasure writes, and what a retention duty still holds.

Retention rules network can check itself (funding keeps its own records under its own duties):

1. The only contact person of a *verified* organisation is kept: the organisation may hold funding
   with reporting duties, and the KI must be able to reach someone responsible. Assign another
   contact person first.
2. A person with a *confirmed* seat at a KI event that has not ended yet is kept: the seat, the
   attendance list and the organisers' duties depend on it. Cancel the registration first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict

ERASED_NAME = "gelöscht"
EXPORT_FORMAT = "teilhabe.network.contact-export/1"


def placeholder_email(contact_id: str) -> str:
    """Unique per person and undeliverable (``.invalid`` is reserved, RFC 2606)."""
    return f"erased-{contact_id}@invalid"


def is_placeholder(email: str) -> bool:
    return email.startswith("erased-") and email.endswith("@invalid")


@dataclass(frozen=True)
class SoleContact:
    organization_name: str


@dataclass(frozen=True)
class UpcomingSeat:
    event_title: str
    starts_at: datetime


class RetentionHold(Conflict):
    """Erasure refused: each reason names a record that a retention duty still holds."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("Die Löschung ist derzeit nicht zulässig: " + " ".join(reasons), field="retention")
        self.reasons = reasons

    @property
    def errors(self) -> dict[str, list[str]]:
        return {"retention": self.reasons}


def retention_reasons(sole_contacts: list[SoleContact], seats: list[UpcomingSeat]) -> list[str]:
    reasons = [
        f"Die Person ist die einzige Ansprechperson der verifizierten Organisation „{c.organization_name}“; "
        "bitte zuerst eine andere Ansprechperson eintragen."
        for c in sole_contacts
    ]
    reasons += [
        f"Die Person hat einen bestätigten Platz bei der Veranstaltung „{s.event_title}“ am "
        f"{s.starts_at:%d.%m.%Y}; bitte zuerst die Anmeldung stornieren."
        for s in seats
    ]
    return reasons


def check_erasable(already_erased: bool, sole_contacts: list[SoleContact], seats: list[UpcomingSeat]) -> None:
    if already_erased:
        raise Conflict("this contact person has already been erased", field="contact_id")
    reasons = retention_reasons(sole_contacts, seats)
    if reasons:
        raise RetentionHold(reasons)
