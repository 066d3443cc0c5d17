"""Identity use cases: sign-in with throttling, sessions with refresh rotation, passwords, revocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.network import events
from services.network.domain import identity as domain
from services.network.models import (
    AccountAudit,
    LoginThrottle,
    Membership,
    PasswordResetToken,
    RotatedRefreshToken,
    User,
    UserRole,
    UserSession,
    outbox,
)
from shared import revocation
from shared.auth import Actor, AuthError, issue_token
from shared.config import is_production
from shared.db import utcnow
from shared.errors import DomainError, Invalid

WRONG_CREDENTIALS = "email or password is wrong"
LOCKED = (
    "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es später erneut. / "
    "Too many failed sign-ins. Please try again later."
)


class LockedOut(DomainError):
    status = 429
    title = "Too Many Requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(LOCKED)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Signer:
    private_key: bytes
    ttl: timedelta


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    session_id: str


def audit(session: Session, actor_id: str | None, action: str, target: str | None, **details: Any) -> None:
    session.add(AccountAudit(actor_user_id=actor_id, action=action, target_user_id=target, details=details))


def sign_in(
    session: Session, email: str, password: str, signer: Signer, now: datetime
) -> Tokens | DomainError | AuthError:
    """Tokens, or the refusal to raise after the caller committed the failure count."""
    throttle = _throttle(session, email, now)
    retry_after = _state(throttle).retry_after(now)
    if retry_after is not None:
        return LockedOut(retry_after)
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if not domain.password_matches(user.password_hash if user else None, password):
        return _failed(session, throttle, user, now)
    if is_production() and password == domain.DEMO_PASSWORD:
        return AuthError("the demo password is not accepted in production", status=403)
    if not user.active:
        return AuthError("this account is deactivated / dieses Konto ist deaktiviert", status=403)
    session.delete(throttle)  # a successful sign-in starts the count afresh
    user.last_login_at = now
    return start_session(session, user, signer, now)


def _throttle(session: Session, email: str, now: datetime) -> LoginThrottle:
    key = domain.email_key(email)
    # Insert-if-missing, then lock: concurrent attempts for one email count one after another.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"email_hash": key, "failures": 0, "window_started_at": now}
    session.execute(dialect.insert(LoginThrottle).values(**values).on_conflict_do_nothing())
    query = select(LoginThrottle).where(LoginThrottle.email_hash == key).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _state(row: LoginThrottle) -> domain.Throttle:
    return domain.Throttle(row.failures, row.window_started_at, row.locked_until)


def _failed(
    session: Session, row: LoginThrottle, user: User | None, now: datetime
) -> DomainError | AuthError:
    state = _state(row)
    state.record_failure(now)
    row.failures, row.window_started_at, row.locked_until = (
        state.failures,
        state.window_started_at,
        state.locked_until,
    )
    if state.locked_until and user is not None:
        audit(session, None, "login.locked", user.id, failures=state.failures)
    retry_after = state.retry_after(now)
    return LockedOut(retry_after) if retry_after else AuthError(WRONG_CREDENTIALS)


def actor_of(user: User, session_id: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        email=user.email,
        roles=tuple(sorted(r.role for r in user.roles)),
        organization_ids=tuple(sorted(m.organization_id for m in user.memberships)),
        session_id=session_id,
    )


def start_session(session: Session, user: User, signer: Signer, now: datetime) -> Tokens:
    refresh = domain.new_secret()
    user_session = UserSession(
        user_id=user.id,
        refresh_token_hash=domain.digest(refresh),
        created_at=now,
        last_used_at=now,
        expires_at=now + domain.REFRESH_LIFETIME,
    )
    session.add(user_session)
    session.flush()
    access = issue_token(signer.private_key, actor_of(user, user_session.id), signer.ttl)
    return Tokens(access, refresh, user_session.id)


def refresh(session: Session, refresh_token: str, signer: Signer, now: datetime) -> Tokens | AuthError:
    """Rotate the refresh token; a rotated one presented again ends its whole session (theft)."""
    token_hash = domain.digest(refresh_token)
    query = select(UserSession).where(UserSession.refresh_token_hash == token_hash)
    user_session = session.scalar(query.with_for_update())
    if user_session is None:
        return _reused(session, token_hash)
    user = session.get(User, user_session.user_id)
    if user_session.revoked_at or user_session.expires_at <= now or not user.active:
        return AuthError("session ended")
    session.add(RotatedRefreshToken(token_hash=token_hash, session_id=user_session.id, rotated_at=now))
    new_refresh = domain.new_secret()
    user_session.refresh_token_hash, user_session.last_used_at = domain.digest(new_refresh), now
    access = issue_token(signer.private_key, actor_of(user, user_session.id), signer.ttl)
    return Tokens(access, new_refresh, user_session.id)


def _reused(session: Session, token_hash: str) -> AuthError:
    rotated = session.get(RotatedRefreshToken, token_hash)
    if rotated is not None:
        user_session = session.get(UserSession, rotated.session_id)
        if user_session.revoked_at is None:
            end_session(session, user_session, None, "session.refresh_reused")
    return AuthError("session ended")


def end_session(session: Session, user_session: UserSession, actor_id: str | None, action: str) -> None:
    """Revoke one session here and, through the event, at every service."""
    now = utcnow()
    user_session.revoked_at = now
    revocation.revoke(session, user_session.id, now)
    _publish_revoked(session, user_session.user_id, now, user_session.id)
    audit(session, actor_id, action, user_session.user_id, session_id=user_session.id)


def logout(session: Session, actor: Actor) -> None:
    user_session = session.get(UserSession, actor.session_id) if actor.session_id else None
    if user_session is None or user_session.user_id != actor.user_id:
        revoke_all_sessions(session, actor.user_id, actor.user_id, "logout")
    elif user_session.revoked_at is None:
        end_session(session, user_session, actor.user_id, "session.logout")


def revoke_all_sessions(session: Session, user_id: str, actor_id: str | None, reason: str) -> None:
    """End every session of the user, here and at every service (tokens issued before now)."""
    now = utcnow()
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    revocation.revoke(session, user_id, now)
    _publish_revoked(session, user_id, now, None)
    audit(session, actor_id, "sessions.revoked", user_id, reason=reason)


def _publish_revoked(session: Session, user_id: str, when: datetime, session_id: str | None) -> None:
    data = {"user_id": user_id, "revoked_before": when.isoformat(), "session_id": session_id}
    outbox.record(session, "network.user.sessions_revoked", 1, data)


def set_password(session: Session, user: User, password: str, actor_id: str | None, action: str) -> None:
    problem = domain.password_problem(password, user.email)
    if problem:
        raise Invalid({"new_password": [problem]})
    user.password_hash = domain.hash_password(password)
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    audit(session, actor_id, action, user.id)
    revoke_all_sessions(session, user.id, actor_id, action)


def change_password(session: Session, actor: Actor, current: str, new: str) -> None:
    user = session.get(User, actor.user_id)
    if user is None or not domain.password_matches(user.password_hash, current):
        raise Invalid({"current_password": ["Das aktuelle Passwort stimmt nicht / is wrong."]})
    set_password(session, user, new, actor.user_id, "password.changed")


def request_password_reset(
    session: Session, email: str, portal_url: str, now: datetime, invitation: bool = False
) -> None:
    """Email a single-use link to an existing, active account; silent for anything else."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or _recent_resets(session, user.id, now) >= domain.MAX_RESETS_PER_HOUR:
        return
    token = domain.new_secret()
    session.add(
        PasswordResetToken(
            token_hash=domain.digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + domain.RESET_LIFETIME,
        )
    )
    data = {
        "user_id": user.id,
        "email": user.email,
        "language": user.language,
        "reset_url": f"{portal_url.rstrip('/')}/network/password-reset?token={token}",
        "invitation": invitation,
    }
    outbox.record(session, "network.user.password_reset_requested", 1, data)
    audit(session, None, "password.reset_requested", user.id, invitation=invitation)


def _recent_resets(session: Session, user_id: str, now: datetime) -> int:
    """Reset emails sent in the last hour: a cap keeps the form from flooding someone's inbox."""
    query = select(func.count()).where(
        PasswordResetToken.user_id == user_id, PasswordResetToken.created_at > now - timedelta(hours=1)
    )
    return session.scalar(query) or 0


def confirm_password_reset(session: Session, token: str, password: str, now: datetime) -> None:
    reset = session.get(PasswordResetToken, domain.digest(token), with_for_update=True)
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise Invalid({"token": ["Der Link ist ungültig oder abgelaufen / the link is invalid or expired."]})
    user = session.get(User, reset.user_id)
    if not user.active:
        raise Invalid({"token": ["Der Link ist ungültig oder abgelaufen / the link is invalid or expired."]})
    set_password(session, user, password, user.id, "password.reset")
    reset.used_at = now


def create_user(
    session: Session,
    email: str,
    password: str | None,
    roles: list[str],
    organization_ids: list[str],
    language: str = "de",
) -> User:
    """A user with roles and memberships; without a password until they set one by link."""
    user = User(
        email=email.strip().lower(),
        password_hash=domain.hash_password(password) if password else domain.UNUSABLE_PASSWORD,
        language=language,
        active=True,
        created_at=utcnow(),
    )
    user.roles = [UserRole(role=role) for role in roles]
    user.memberships = [Membership(organization_id=org) for org in organization_ids]
    session.add(user)
    session.flush()
    publish_user(session, user)
    return user


def publish_user(session: Session, user: User) -> None:
    """Tell the other services the account's current state (address, roles, active), e.g. so
    notifications knows whom to mail as a caseworker without asking network."""
    outbox.record(session, "network.user.updated", 1, events.user_updated(user))
