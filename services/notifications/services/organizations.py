"""Notifications' copy of organisations (``network.organization.changed``): the languages they
offer are the fallback for contact persons whose own language has no template (person →
organisation → German)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications import domain
from services.notifications.models import Organization, RecipientOrganization


def apply_organization(session: Session, data: dict[str, Any], occurred_at: datetime) -> None:
    """Network's current profile of an organisation replaces ours, unless ours is later."""
    organization = session.get(Organization, str(data["organization_id"]), with_for_update=True)
    if organization is not None and domain.older(occurred_at, organization.as_of):
        return
    organization = organization or Organization(organization_id=str(data["organization_id"]))
    organization.name, organization.status = data["name"], data["status"]
    organization.languages, organization.as_of = list(data["languages"]), occurred_at
    session.add(organization)


def organization_languages(session: Session, organization_id: str) -> list[str]:
    organization = session.get(Organization, str(organization_id))
    return list(organization.languages) if organization else []


def languages_of_organizations(session: Session, contact_ids: list[str]) -> dict[str, list[str]]:
    """Per contact person, the languages their organisations offer (each once, in order)."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(contact_ids), 500):
        rows = session.execute(
            select(RecipientOrganization.contact_id, Organization.languages)
            .join(Organization, Organization.organization_id == RecipientOrganization.organization_id)
            .where(RecipientOrganization.contact_id.in_(contact_ids[start : start + 500]))
            .order_by(RecipientOrganization.contact_id, Organization.organization_id)
        )
        for contact_id, languages in rows:
            known = found.setdefault(contact_id, [])
            known += [language for language in languages if language not in known]
    return found
