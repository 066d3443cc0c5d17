"""Duplicate detection, the staff verification queue, and merging a duplicate into a survivor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from services.network import events
from services.network.domain import duplicates as domain
from services.network.models import Affiliation, Membership, Organization, outbox
from services.network.services import organizations
from shared.auth import Actor
from shared.errors import Conflict
from shared.errors import Invalid as InvalidInput


def candidate(organization: Organization) -> domain.Candidate:
    emails = {organization.email} | {a.contact.email for a in organization.affiliations}
    phones = {organization.phone} | {a.contact.phone for a in organization.affiliations}
    return domain.Candidate(
        id=organization.id,
        name=organization.name,
        place=(organization.municipality or organization.district).strip().lower(),
        emails=frozenset(e for e in map(domain.normalize_email, emails) if e),
        phones=frozenset(p for p in map(domain.normalize_phone, phones) if p),
    )


def duplicates_of(session: Session, organization: Organization) -> list[dict[str, Any]]:
    others = session.scalars(select(Organization).where(Organization.status != "archived"))
    by_id = {other.id: other for other in others}
    matches = domain.find_matches(candidate(organization), [candidate(o) for o in by_id.values()])
    return [
        {
            "organization": organizations.view(by_id[m.id], full=True),
            "reasons": list(m.reasons),
            "name_similarity": m.name_similarity,
        }
        for m in matches
    ]


def find_duplicates(session: Session, organization_id: str, actor: Actor) -> list[dict[str, Any]]:
    organizations.require_staff(actor)
    return duplicates_of(session, organizations.load(session, organization_id))


def verification_queue(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Confirmed, not yet verified organisations, oldest first, each with its duplicate candidates."""
    organizations.require_staff(actor)
    query = (
        select(Organization)
        .where(Organization.status == "registered", Organization.email_confirmed_at.is_not(None))
        .order_by(Organization.email_confirmed_at, Organization.created_at)
    )
    return [
        {"organization": organizations.view(org, full=True), "duplicates": duplicates_of(session, org)}
        for org in session.scalars(query)
    ]


def merge(session: Session, surviving_id: str, merged_id: str, actor: Actor) -> Organization:
    organizations.require_staff(actor)
    if surviving_id == merged_id:
        raise InvalidInput({"duplicate_id": ["an organisation cannot be merged into itself"]})
    survivor = organizations.load(session, surviving_id)
    merged = organizations.load(session, merged_id)
    if merged.status == "archived" or survivor.status == "archived":
        raise Conflict("archived organisations cannot be merged", field="duplicate_id")
    profile = events.organization_changed(survivor)
    _fill_gaps(session, survivor, merged, actor)
    _move_affiliations(session, survivor, merged)
    _move_memberships(session, survivor.id, merged.id)
    old_status, merged.status, merged.merged_into_id = merged.status, "archived", survivor.id
    note = f"merged into {survivor.id}"
    organizations.record_change(session, merged.id, "status", old_status, "archived", actor, note)
    organizations.record_change(session, merged.id, "merged_into_id", None, survivor.id, actor, note)
    organizations.record_change(session, survivor.id, "merged_from", None, merged.id, actor, merged.name)
    outbox.record(session, "network.organization.merged", 1, events.organization_merged(survivor, merged))
    organizations.publish_profile(session, merged)
    organizations.publish_profile(session, survivor, before=profile)  # if it gained district or languages
    return survivor


def _fill_gaps(session: Session, survivor: Organization, merged: Organization, actor: Actor) -> None:
    """What the survivor lacks and the duplicate knows is kept (with history on the survivor)."""
    data: dict[str, Any] = {
        name: getattr(merged, name)
        for name in organizations.SCALAR_FIELDS
        if not getattr(survivor, name) and getattr(merged, name)
    }
    own, theirs = organizations.lists(survivor), organizations.lists(merged)
    data.update(
        {
            name: sorted(set(own[name]) | set(theirs[name]))
            for name in own
            if set(theirs[name]) - set(own[name])
        }
    )
    before = {**{n: getattr(survivor, n) for n in organizations.SCALAR_FIELDS}, **own}
    organizations.apply(survivor, data)
    for field, value in data.items():
        organizations.record_change(
            session, survivor.id, field, before[field], value, actor, f"from {merged.id}"
        )


def _move_affiliations(session: Session, survivor: Organization, merged: Organization) -> None:
    present = {a.contact_id for a in survivor.affiliations}
    for affiliation in list(merged.affiliations):
        if affiliation.contact_id not in present:
            survivor.affiliations.append(
                Affiliation(contact_id=affiliation.contact_id, function=affiliation.function)
            )
        session.delete(affiliation)
    session.flush()


def _move_memberships(session: Session, surviving_id: str, merged_id: str) -> None:
    """Users of the duplicate become users of the survivor (identity's table, moved in place)."""
    already = select(Membership.user_id).where(Membership.organization_id == surviving_id)
    session.execute(
        delete(Membership).where(Membership.organization_id == merged_id, Membership.user_id.in_(already))
    )
    session.execute(
        update(Membership).where(Membership.organization_id == merged_id).values(organization_id=surviving_id)
    )
