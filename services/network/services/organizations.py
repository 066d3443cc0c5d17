"""Organisation use cases: create, read, update with field history, status changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.network import events
from services.network.domain import registry as domain
from services.network.models import (
    Organization,
    OrganizationChange,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
    outbox,
)
from services.network.services import taxonomies
from shared.auth import Actor, AuthError
from shared.db import utcnow
from shared.errors import Conflict, NotFound

SCALAR_FIELDS = domain.SCALAR_FIELDS
STATUS_EVENTS = {
    "verify": "network.organization.verified",
    "suspend": "network.organization.suspended",
    "reactivate": "network.organization.reactivated",
    "archive": "network.organization.archived",
}


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise AuthError("only KI staff may do this", status=403)


def is_own(actor: Actor | None, organization_id: str) -> bool:
    return actor is not None and (actor.is_staff or organization_id in actor.organization_ids)


def load(session: Session, organization_id: str, actor: Actor | None = None) -> Organization:
    """The organisation if ``actor`` may see all of it (None: a trusted internal caller)."""
    organization = session.get(Organization, organization_id)
    if organization is None or (actor is not None and not is_own(actor, organization_id)):
        raise NotFound("no such organisation", field="organization_id")
    return organization


def view(organization: Organization, full: bool) -> dict[str, Any]:
    values = {name: getattr(organization, name) for name in (*SCALAR_FIELDS, "id", "status")}
    values.update(lists(organization))
    if not full:
        return {name: values[name] for name in domain.PUBLIC_FIELDS}
    extra = ("created_at", "updated_at", "email_confirmed_at", "merged_into_id")
    return {**values, **{name: getattr(organization, name) for name in extra}}


def lists(organization: Organization) -> dict[str, list[str]]:
    return {
        "fields_of_work": sorted(f.term for f in organization.fields_of_work),
        "languages": sorted(language.code for language in organization.languages),
        "target_groups": sorted(t.term for t in organization.target_groups),
    }


def get_view(session: Session, organization_id: str, actor: Actor) -> dict[str, Any]:
    organization = session.get(Organization, organization_id)
    if organization is not None and is_own(actor, organization_id):
        return view(organization, full=True)
    if organization is not None and organization.status == "verified":
        return view(organization, full=False)
    raise NotFound("no such organisation", field="organization_id")


def list_views(
    session: Session, actor: Actor, status: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    query = select(Organization).order_by(Organization.name, Organization.id)
    if status:
        query = query.where(Organization.status == status)
    if not actor.is_staff:
        visible = Organization.id.in_(actor.organization_ids) | (Organization.status == "verified")
        query = query.where(visible)
    found = session.scalars(query.limit(limit).offset(offset))
    return [view(org, full=is_own(actor, org.id)) for org in found]


def create(
    session: Session, data: dict[str, Any], actor: Actor | None, self_registered: bool = False
) -> Organization:
    """A new organisation in status registered (staff-created ones need no email confirmation)."""
    taxonomies.check_organization_input(session, data)
    organization = Organization(status="registered", fields_of_work=[], languages=[], target_groups=[])
    apply(organization, data)
    if not self_registered:
        organization.email_confirmed_at = utcnow()
    session.add(organization)
    session.flush()
    record_change(session, organization.id, "status", "", "registered", actor, "created")
    if not self_registered:
        payload = events.organization_registered(organization, self_registered=False)
        outbox.record(session, "network.organization.registered", 1, payload)
    publish_profile(session, organization)
    return organization


def update(session: Session, organization_id: str, data: dict[str, Any], actor: Actor) -> Organization:
    organization = load(session, organization_id, actor)
    taxonomies.check_organization_input(session, data)
    before = {**{name: getattr(organization, name) for name in SCALAR_FIELDS}, **lists(organization)}
    profile = events.organization_changed(organization)
    changes = domain.changed_fields(before, data)
    apply(organization, {field: data[field] for field in changes})
    for field, (old, new) in changes.items():
        record_change(session, organization.id, field, old, new, actor)
    if changes:
        organization.updated_at = utcnow()
    publish_profile(session, organization, before=profile)
    return organization


def apply(organization: Organization, data: dict[str, Any]) -> None:
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(organization, name, (data[name] or "").strip())
    if "fields_of_work" in data:
        organization.fields_of_work = [
            OrganizationFieldOfWork(term=t) for t in sorted(set(data["fields_of_work"]))
        ]
    if "languages" in data:
        organization.languages = [OrganizationLanguage(code=c) for c in sorted(set(data["languages"]))]
    if "target_groups" in data:
        organization.target_groups = [
            OrganizationTargetGroup(term=t) for t in sorted(set(data["target_groups"]))
        ]


def change_status(
    session: Session, organization_id: str, action: str, reason: str, actor: Actor | None
) -> Organization:
    organization = load(session, organization_id)
    if action == "verify" and organization.email_confirmed_at is None:
        raise Conflict("the contact email of this registration is not confirmed yet", field="status")
    old = organization.status
    organization.status = domain.next_status(old, action)
    organization.updated_at = utcnow()
    record_change(session, organization.id, "status", old, organization.status, actor, reason)
    payload = events.organization_status_changed(organization, action, reason)
    outbox.record(session, STATUS_EVENTS[action], 1, payload)
    publish_profile(session, organization)
    return organization


def publish_profile(
    session: Session, organization: Organization, before: dict[str, Any] | None = None
) -> None:
    """``network.organization.changed`` with the current profile, unless it equals ``before`` (a
    change of other fields only). A self-registration whose email is not confirmed is not in the
    registry yet: it is published at confirmation."""
    if organization.email_confirmed_at is None:
        return
    profile = events.organization_changed(organization)
    if profile != before:
        outbox.record(session, "network.organization.changed", 1, profile)


def record_change(
    session: Session,
    organization_id: str,
    field: str,
    old: Any,
    new: Any,
    actor: Actor | None,
    note: str = "",
) -> None:
    session.add(
        OrganizationChange(
            organization_id=organization_id,
            field=field,
            old_value=domain.history_value(old),
            new_value=domain.history_value(new),
            actor_id=actor.user_id if actor else "",
            note=note,
            changed_at=utcnow(),
        )
    )


def history(session: Session, organization_id: str, actor: Actor) -> list[OrganizationChange]:
    load(session, organization_id, actor)
    query = select(OrganizationChange).where(OrganizationChange.organization_id == organization_id)
    return list(session.scalars(query.order_by(OrganizationChange.changed_at, OrganizationChange.id)))
