"""Identity: user accounts with their roles and memberships, sign-in sessions, resets, audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.network.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow
from shared.revocation import RevokedSessionsMixin


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(cascade="all, delete-orphan")


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Membership(Base):
    __tablename__ = "membership"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)


class UserSession(Base):
    """One sign-in (the ``sid`` of its access tokens); only the refresh token's hash is kept."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    refresh_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RotatedRefreshToken(Base):
    """A refresh token already exchanged: presenting it again means it was stolen."""

    __tablename__ = "rotated_refresh_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("user_session.id"), index=True)
    rotated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoginThrottle(Base):
    """Failed sign-ins per email (as a hash, known or not) in the current window, and any lock."""

    __tablename__ = "login_throttle"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class PasswordResetToken(Base):
    __tablename__ = "password_reset_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AccountAudit(Base):
    """Append-only: who changed which account, role, membership or session, and when."""

    __tablename__ = "account_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor_user_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(60))
    target_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RevokedSessions(RevokedSessionsMixin, Base):
    pass
