"""The partner registry: organisations, their contact persons, consents, taxonomies, history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.network.models.base import Base, new_id
from shared.db import UtcDateTime, utcnow

ORGANIZATION_STATUSES = ("registered", "verified", "suspended", "archived")


class TaxonomyTerm(Base):
    """One value of an admin-extendable vocabulary: legal_form, organization_type, field_of_work,
    district, target_group."""

    __tablename__ = "taxonomy_term"

    vocabulary: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    label_de: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (
        Index("ix_organization_status_district", "status", "district"),
        # Search: facet counts and name-ordered pages read these indexes only (services/search/).
        Index("ix_organization_status_type", "status", "type"),
        Index("ix_organization_status_name", "status", "name", "id"),
        Index("ix_organization_name", "name", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    legal_form: Mapped[str] = mapped_column(String(80), default="")
    type: Mapped[str] = mapped_column(String(80), default="", index=True)
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    municipality: Mapped[str] = mapped_column(String(120), default="")
    district: Mapped[str] = mapped_column(String(120), default="", index=True)
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="registered", index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    fields_of_work: Mapped[list[OrganizationFieldOfWork]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[OrganizationLanguage]] = relationship(cascade="all, delete-orphan")
    target_groups: Mapped[list[OrganizationTargetGroup]] = relationship(cascade="all, delete-orphan")
    affiliations: Mapped[list[Affiliation]] = relationship(back_populates="organization")


class OrganizationFieldOfWork(Base):
    __tablename__ = "organization_field_of_work"
    __table_args__ = (Index("ix_organization_field_of_work_term_org", "term", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class OrganizationLanguage(Base):
    """A language the organisation offers its services in (ISO 639 code)."""

    __tablename__ = "organization_language"
    __table_args__ = (Index("ix_organization_language_code_org", "code", "organization_id"),)

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class OrganizationTargetGroup(Base):
    __tablename__ = "organization_target_group"

    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class OrganizationChange(Base):
    """Per-field history: who changed what, when, from which value to which (JSON text)."""

    __tablename__ = "organization_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    # Why, for status changes and merges (the reason staff gave).
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    actor_id: Mapped[str] = mapped_column(String(36), default="")
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ContactPerson(Base):
    __tablename__ = "contact_person"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    affiliations: Mapped[list[Affiliation]] = relationship(back_populates="contact")
    consents: Mapped[list[Consent]] = relationship(back_populates="contact")


class Affiliation(Base):
    """A contact person's function in one organisation; a person may have several."""

    __tablename__ = "affiliation"

    contact_id: Mapped[str] = mapped_column(ForeignKey("contact_person.id"), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    function: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[ContactPerson] = relationship(back_populates="affiliations")
    organization: Mapped[Organization] = relationship(back_populates="affiliations")


class Consent(Base):
    """What a person consented to, when, how (form, import, in_person), which text, and proof."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contact_person.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(120))
    method: Mapped[str] = mapped_column(String(20))
    text_version: Mapped[str] = mapped_column(String(40))
    proof: Mapped[str] = mapped_column(Text, default="")
    given_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    contact: Mapped[ContactPerson] = relationship(back_populates="consents")
