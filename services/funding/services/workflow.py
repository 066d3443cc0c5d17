"""What every workflow action shares: loading with access checks, the audited move, the budget commit."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.funding import domain
from services.funding.models import (
    Application,
    AuditEntry,
    EligibleOrganization,
    ProgrammeBudget,
)
from shared.auth import Actor
from shared.db import utcnow
from shared.errors import Conflict, Forbidden, NotFound


def get_application(
    session: Session, application_id: str, actor: Actor, for_update: bool = False
) -> Application:
    """The application if the actor may see it; another organisation's looks like none at all."""
    # Locked for a transition (PostgreSQL), so two racing moves cannot fork the audit chain.
    application = session.get(Application, application_id, with_for_update=for_update or None)
    if application is None or not _may_see(actor, application):
        raise NotFound("no such application")
    return application


def load_for(session: Session, application_id: str, actor: Actor, action: str) -> tuple[Application, str]:
    """The application locked for ``action`` and the state it moves to, once role and state allow it."""
    application = get_application(session, application_id, actor, for_update=True)
    target = domain.transition(application.state, action, actor)
    if domain.TRANSITIONS[action].role == "applicant" and application.organization_id not in (
        actor.organization_ids
    ):
        raise Forbidden("only a member of the applying organisation may do this")
    return application, target


def move(
    session: Session,
    application: Application,
    actor: Actor,
    action: str,
    target: str,
    comment: str = "",
) -> None:
    entry = AuditEntry(
        application_id=application.id,
        actor_id=actor.user_id,
        action=action,
        from_state=application.state,
        to_state=target,
        comment=comment,
        at=utcnow(),
    )
    last = select(AuditEntry.entry_hash).where(AuditEntry.application_id == application.id)
    entry.previous_hash = session.scalar(last.order_by(AuditEntry.id.desc()).limit(1)) or domain.GENESIS_HASH
    entry.entry_hash = domain.audit_hash(_hashed_fields(entry), entry.previous_hash)
    session.add(entry)
    application.state = target
    # The head pins the newest entry: the chain alone cannot tell when entries are cut off its end.
    application.audit_head_hash = entry.entry_hash


def check_eligible(session: Session, application: Application) -> None:
    """The applying organisation is verified in funding's read model of network's registry now;
    a suspension, archiving or merger since submission stops the application moving on."""
    organization = session.get(EligibleOrganization, application.organization_id)
    if organization is None:
        raise Conflict("the organisation is not verified by the KI yet", field="organization_id")
    if organization.status != "verified":
        raise Conflict(
            f"the organisation is {organization.status}, not verified; it cannot receive funding now",
            field="organization_id",
        )


def commit_budget(session: Session, programme_id: str, year: int, amount: int) -> None:
    """One conditional UPDATE: the committed total can never pass the budget, however approvals race."""
    budget = ProgrammeBudget
    result = session.execute(
        update(budget)
        .where(
            budget.programme_id == programme_id,
            budget.year == year,
            budget.committed_cents + amount <= budget.budget_cents,
        )
        .values(committed_cents=budget.committed_cents + amount)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(
            f"the programme's budget for {year} has not enough left for "
            f"{domain.format_euro(amount)}; nothing was approved",
            field="approved_cents",
        )


def audit_trail(session: Session, application_id: str, actor: Actor) -> list[AuditEntry]:
    """The application's audit trail, oldest first; staff only."""
    if not actor.is_staff:
        raise Forbidden("only KI staff may read the audit trail")
    get_application(session, application_id, actor)
    return _entries(session, application_id)


def verify_audit_trail(session: Session, application_id: str) -> tuple[bool, int | None]:
    """Recompute the hash chain and compare its end with the application's head: (intact, id of the
    first broken entry or None). Entries missing at the end break no link: (False, None)."""
    entries = _entries(session, application_id)
    broken = domain.first_broken([_record(entry) for entry in entries])
    if broken is not None:
        return False, broken
    head = session.scalar(select(Application.audit_head_hash).where(Application.id == application_id))
    return (entries[-1].entry_hash if entries else None) == head, None


def _entries(session: Session, application_id: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.application_id == application_id).order_by(AuditEntry.id)
    return list(session.scalars(query))


def _record(entry: AuditEntry) -> domain.AuditRecord:
    return domain.AuditRecord(entry.id, _hashed_fields(entry), entry.previous_hash, entry.entry_hash)


def _hashed_fields(entry: AuditEntry) -> dict[str, str]:
    fields = {name: getattr(entry, name) for name in domain.HASHED_FIELDS}
    return {**fields, "at": entry.at.isoformat()}


def _may_see(actor: Actor, application: Application) -> bool:
    return actor.is_staff or application.organization_id in actor.organization_ids
