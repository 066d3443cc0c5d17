"""Admin use cases on user accounts: create and invite, roles, memberships, (de)activation, audit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.network.domain import identity as domain
from services.network.models import AccountAudit, Membership, Organization, User, UserRole
from services.network.services import identity
from shared.auth import Actor
from shared.errors import Conflict, DomainError, Forbidden, NotFound


def require_admin(actor: Actor) -> None:
    if not actor.has_role("admin"):
        raise Forbidden("Nur Administratorinnen und Administratoren / admins only.")


def require_reader(actor: Actor) -> None:
    if not actor.has_role("admin", "caseworker"):
        raise Forbidden("Nur Administration und Sachbearbeitung / admins and caseworkers only.")


def list_users(
    session: Session, query: str | None, role: str | None, organization_id: str | None
) -> list[User]:
    statement = select(User).order_by(User.email).limit(500)
    if query:
        statement = statement.where(User.email.contains(query.strip().lower(), autoescape=True))
    if role:
        statement = statement.where(User.roles.any(UserRole.role == role))
    if organization_id:
        statement = statement.where(User.memberships.any(Membership.organization_id == organization_id))
    return list(session.scalars(statement))


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, str(user_id))
    if user is None:
        raise NotFound("Kein solches Benutzerkonto / no such user.")
    return user


def create_user(
    session: Session, actor: Actor, data: dict[str, object], portal_url: str, now: datetime
) -> User:
    """A new account without a password; the invitation is a password-reset email."""
    email, roles = str(data["email"]).strip().lower(), list(data["roles"])  # type: ignore[call-overload]
    organization_ids = [str(org) for org in data["organization_ids"]]  # type: ignore[attr-defined]
    _check_roles(roles)
    _check_organizations(session, organization_ids)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("Diese E-Mail-Adresse hat schon ein Konto / this email has an account.", "email")
    language = str(data.get("language") or "de")
    user = identity.create_user(session, email, None, roles, organization_ids, language)
    details = {"email": email, "roles": sorted(roles), "organization_ids": sorted(organization_ids)}
    identity.audit(session, actor.user_id, "user.created", user.id, **details)
    identity.request_password_reset(session, email, portal_url, now, invitation=True)
    return user


def set_roles(session: Session, actor: Actor, user_id: str, roles: list[str]) -> User:
    """Replace the user's roles; taking one away ends the user's sessions."""
    _check_roles(roles)
    user = get_user(session, user_id)
    before, after = {r.role for r in user.roles}, set(roles)
    if "admin" in before - after:
        _keep_an_admin(session, actor, user, "role")
    user.roles = [role for role in user.roles if role.role in after]
    user.roles += [UserRole(role=role) for role in sorted(after - before)]
    changes = {"before": sorted(before), "after": sorted(after)}
    identity.audit(session, actor.user_id, "roles.changed", user.id, **changes)
    identity.publish_user(session, user)
    if before - after:
        identity.revoke_all_sessions(session, user.id, actor.user_id, "role removed")
    return user


def add_membership(session: Session, actor: Actor, user_id: str, organization_id: str) -> User:
    user = get_user(session, user_id)
    _check_organizations(session, [organization_id])
    if organization_id not in {m.organization_id for m in user.memberships}:
        user.memberships.append(Membership(organization_id=organization_id))
        identity.audit(session, actor.user_id, "membership.added", user.id, organization_id=organization_id)
    return user


def remove_membership(session: Session, actor: Actor, user_id: str, organization_id: str) -> User:
    user = get_user(session, user_id)
    kept = [m for m in user.memberships if m.organization_id != organization_id]
    if len(kept) == len(user.memberships):
        raise NotFound("Keine solche Mitgliedschaft / no such membership.")
    user.memberships = kept
    identity.audit(session, actor.user_id, "membership.removed", user.id, organization_id=organization_id)
    identity.revoke_all_sessions(session, user.id, actor.user_id, "membership removed")
    return user


def set_active(session: Session, actor: Actor, user_id: str, active: bool) -> User:
    user = get_user(session, user_id)
    if user.active == active:
        return user
    if not active and any(r.role == "admin" for r in user.roles):
        _keep_an_admin(session, actor, user, "account")
    user.active = active
    identity.audit(session, actor.user_id, "user.reactivated" if active else "user.deactivated", user.id)
    identity.publish_user(session, user)
    if not active:
        identity.revoke_all_sessions(session, user.id, actor.user_id, "deactivated")
    return user


def audit_trail(session: Session, user_id: str) -> list[AccountAudit]:
    get_user(session, user_id)
    query = select(AccountAudit).where(AccountAudit.target_user_id == str(user_id))
    return list(session.scalars(query.order_by(AccountAudit.id)))


def _keep_an_admin(session: Session, actor: Actor, user: User, what: str) -> None:
    if user.id == actor.user_id:
        raise Conflict(f"Nicht beim eigenen Konto / you cannot remove your own admin {what}.")
    others = (
        select(func.count())
        .select_from(User)
        .where(User.id != user.id, User.active.is_(True), User.roles.any(UserRole.role == "admin"))
    )
    if not session.scalar(others):
        raise Conflict("Das ist die letzte aktive Admin-Person / this is the last active admin.")


def _check_roles(roles: list[str]) -> None:
    unknown = domain.unknown_roles(roles)
    if unknown:
        raise DomainError(f"Unbekannte Rolle / unknown role: {', '.join(unknown)}", "roles")


def _check_organizations(session: Session, organization_ids: list[str]) -> None:
    if not organization_ids:
        return
    found = set(session.scalars(select(Organization.id).where(Organization.id.in_(organization_ids))))
    missing = sorted(set(organization_ids) - found)
    if missing:
        message = f"Unbekannte Organisation / unknown organisation: {', '.join(missing)}"
        raise DomainError(message, "organization_ids")
