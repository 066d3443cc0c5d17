"""Ended sign-in sessions, known to every service: a token issued before its revocation is refused.

Network writes a row when it ends a user's sessions (logout, password change or reset, a removed
role or membership, deactivation) and publishes ``network.user.sessions_revoked``; funding and
notifications keep the same table from that event. A row is keyed by a user id (all of the user's
sessions) or by a session id (one session, e.g. a logout): ``revoked_before`` only moves forward.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, column, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.auth import Actor, AuthError
from shared.db import UtcDateTime
from shared.events import Envelope

TABLE = "revoked_session"
SESSION_ENDED = "session ended"

_revoked = table(TABLE, column("subject_id", String(36)), column("revoked_before", UtcDateTime()))


class RevokedSessionsMixin:
    """Columns of the ``revoked_session`` table; each service's Base subclasses it once."""

    __tablename__ = TABLE

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revoked_before: Mapped[datetime] = mapped_column(UtcDateTime())


def revoke(session: Session | Connection, subject_id: str, revoked_before: datetime) -> None:
    """Record that tokens of ``subject_id`` issued before ``revoked_before`` are no longer valid."""
    bind = session.get_bind() if isinstance(session, Session) else session
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_revoked).values(subject_id=subject_id, revoked_before=revoked_before)
    excluded = statement.excluded.revoked_before
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["subject_id"],
            set_={"revoked_before": excluded},
            where=_revoked.c.revoked_before < excluded,
        )
    )


def on_sessions_revoked(session: Session, event: Envelope) -> None:
    """Handler of ``network.user.sessions_revoked`` v1 for every consuming service."""
    data: dict[str, Any] = event.data
    revoked_before = data["revoked_before"]
    if not isinstance(revoked_before, datetime):
        revoked_before = datetime.fromisoformat(revoked_before)
    revoke(session, data.get("session_id") or data["user_id"], revoked_before)


def ensure_active(connection: Connection, actor: Actor) -> None:
    """Raise 401 "session ended" when the actor's user or session was revoked after the token.

    One primary-key read (the user id and, when the token has one, its session id).
    """
    if actor.issued_at is None:
        return
    subjects = [actor.user_id] + ([actor.session_id] if actor.session_id else [])
    query = select(_revoked.c.revoked_before).where(_revoked.c.subject_id.in_(subjects))
    for revoked_before in connection.scalars(query):
        if revoked_before > actor.issued_at:
            raise AuthError(SESSION_ENDED)
