"""Identity: user accounts with their roles and organisation memberships."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.network.models.base import Base, new_id


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
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
