"""What funding publishes (payload builders) and consumes (HANDLERS)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.funding.models import Application, EligibleOrganization
from shared import revocation
from shared.db import utcnow
from shared.events import Envelope
from shared.inbox import Handlers


def _application(application: Application) -> dict[str, Any]:
    return {
        "application_id": application.id,
        "organization_id": application.organization_id,
        "programme_id": application.call.programme_id,
        "title": application.title,
        "submitted_by": application.created_by,
    }


def application_submitted(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "requested_cents": application.requested_cents,
        "submitted_at": application.submitted_at.isoformat(),
    }


def review_started(application: Application, started_by: str) -> dict[str, Any]:
    return {**_application(application), "started_by": started_by, "started_at": utcnow().isoformat()}


def application_resubmitted(application: Application, comment: str, resubmitted_by: str) -> dict[str, Any]:
    return {
        **_application(application),
        "requested_cents": application.requested_cents,
        "comment": comment,
        "resubmitted_by": resubmitted_by,
        "resubmitted_at": utcnow().isoformat(),
    }


def application_recommended(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "recommended_cents": application.recommended_cents,
        "recommended_by": application.recommended_by,
    }


def application_approved(application: Application) -> dict[str, Any]:
    return {
        **_application(application),
        "approved_cents": application.approved_cents,
        "budget_year": application.call.budget_year,
        "approved_by": application.decided_by,
        "decided_at": application.decided_at.isoformat(),
    }


def changes_requested(application: Application, comment: str, requested_by: str) -> dict[str, Any]:
    return {
        **_application(application),
        "comment": comment,
        "requested_by": requested_by,
        "requested_at": utcnow().isoformat(),
    }


def application_rejected(application: Application, reasons: list[str]) -> dict[str, Any]:
    return {
        **_application(application),
        "reasons": list(reasons),
        "rejected_by": application.decided_by,
        "decided_at": application.decided_at.isoformat(),
    }


def application_withdrawn(application: Application, withdrawn_by: str, from_state: str) -> dict[str, Any]:
    return {
        **_application(application),
        "withdrawn_by": withdrawn_by,
        "from_state": from_state,
        "withdrawn_at": utcnow().isoformat(),
    }


def on_organization_verified(session: Session, event: Envelope) -> None:
    data = event.data
    organization = session.get(EligibleOrganization, data["organization_id"]) or EligibleOrganization(
        organization_id=data["organization_id"]
    )
    organization.name = data["name"]
    organization.district = data["district"]
    organization.status = "verified"
    organization.updated_at = utcnow()
    session.add(organization)


def on_organization_reactivated(session: Session, event: Envelope) -> None:
    on_organization_verified(session, event)


def on_organization_suspended(session: Session, event: Envelope) -> None:
    _mark_not_eligible(session, event.data["organization_id"], "suspended")


def on_organization_archived(session: Session, event: Envelope) -> None:
    _mark_not_eligible(session, event.data["organization_id"], "archived")


def on_organization_merged(session: Session, event: Envelope) -> None:
    _mark_not_eligible(session, event.data["merged_id"], "merged")


def _mark_not_eligible(session: Session, organization_id: str, status: str) -> None:
    # Only organisations funding knows of can have applications; unknown ones stay unknown.
    organization = session.get(EligibleOrganization, organization_id)
    if organization is not None:
        organization.status = status
        organization.updated_at = utcnow()


HANDLERS: Handlers = {
    ("network.organization.verified", 1): on_organization_verified,
    ("network.organization.suspended", 1): on_organization_suspended,
    ("network.organization.reactivated", 1): on_organization_reactivated,
    ("network.organization.archived", 1): on_organization_archived,
    ("network.organization.merged", 1): on_organization_merged,
    ("network.user.sessions_revoked", 1): revocation.on_sessions_revoked,
}
