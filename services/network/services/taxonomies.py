"""Taxonomy use cases: vocabularies as data that admins extend, and input checked against them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.network.domain.taxonomy_seed import VOCABULARIES, seed_rows
from services.network.models import (
    Organization,
    OrganizationFieldOfWork,
    OrganizationTargetGroup,
    TaxonomyTerm,
)
from shared.errors import Conflict, Invalid, NotFound
from shared.languages import invalid_languages

# organisation input field -> (vocabulary, whether the field holds a list)
VALIDATED_FIELDS: dict[str, tuple[str, bool]] = {
    "legal_form": ("legal_form", False),
    "type": ("organization_type", False),
    "district": ("district", False),
    "fields_of_work": ("field_of_work", True),
    "target_groups": ("target_group", True),
}


def check_vocabulary(vocabulary: str) -> None:
    if vocabulary not in VOCABULARIES:
        raise NotFound(f"no vocabulary {vocabulary!r}; known: {', '.join(VOCABULARIES)}", field="vocabulary")


def list_terms(session: Session, vocabulary: str, include_inactive: bool = False) -> list[TaxonomyTerm]:
    check_vocabulary(vocabulary)
    query = select(TaxonomyTerm).where(TaxonomyTerm.vocabulary == vocabulary)
    if not include_inactive:
        query = query.where(TaxonomyTerm.active.is_(True))
    return list(session.scalars(query.order_by(TaxonomyTerm.position, TaxonomyTerm.key)))


def add_term(session: Session, vocabulary: str, data: dict[str, Any]) -> TaxonomyTerm:
    check_vocabulary(vocabulary)
    if session.get(TaxonomyTerm, (vocabulary, data["key"])) is not None:
        raise Conflict(f"the term {data['key']!r} exists already", field="key")
    position = data.get("position")
    if position is None:
        highest = select(func.max(TaxonomyTerm.position)).where(TaxonomyTerm.vocabulary == vocabulary)
        position = (session.scalar(highest) or 0) + 1
    term = TaxonomyTerm(
        vocabulary=vocabulary,
        key=data["key"],
        label_de=data["label_de"],
        label_en=data.get("label_en", ""),
        position=position,
        active=True,
    )
    session.add(term)
    session.flush()
    return term


def update_term(session: Session, vocabulary: str, key: str, changes: dict[str, Any]) -> TaxonomyTerm:
    term = _term(session, vocabulary, key)
    for name in ("label_de", "label_en", "position", "active"):
        if name in changes:
            setattr(term, name, changes[name])
    return term


def delete_term(session: Session, vocabulary: str, key: str) -> None:
    """Only a term nothing uses may go; a used one is deactivated instead (history stays readable)."""
    term = _term(session, vocabulary, key)
    if term_in_use(session, vocabulary, key):
        raise Conflict("the term is in use; deactivate it instead (active: false)", field="key")
    session.delete(term)


def term_in_use(session: Session, vocabulary: str, key: str) -> bool:
    query = {
        "legal_form": select(Organization.id).where(Organization.legal_form == key),
        "organization_type": select(Organization.id).where(Organization.type == key),
        "district": select(Organization.id).where(Organization.district == key),
        "field_of_work": select(OrganizationFieldOfWork.organization_id).where(
            OrganizationFieldOfWork.term == key
        ),
        "target_group": select(OrganizationTargetGroup.organization_id).where(
            OrganizationTargetGroup.term == key
        ),
    }[vocabulary]
    return session.scalar(query.limit(1)) is not None


def check_organization_input(session: Session, data: dict[str, Any]) -> None:
    """422 naming each field whose value is no active term (or no ISO 639 code)."""
    errors: dict[str, list[str]] = {}
    for field, (vocabulary, many) in VALIDATED_FIELDS.items():
        values = (data.get(field) or []) if many else [data.get(field) or ""]
        values = [value for value in values if value]
        if not values:
            continue
        known = _active_keys(session, vocabulary)
        errors.update({field: [f"unknown {vocabulary}: {v!r}" for v in values if v not in known]})
    bad_languages = invalid_languages(list(data.get("languages") or []))
    if bad_languages:
        errors["languages"] = [f"not an ISO 639-1/-3 language code: {code!r}" for code in bad_languages]
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise Invalid(errors, "Some values are not in the KI's lists: " + ", ".join(sorted(errors)) + ".")


def seed(session: Session) -> int:
    """Add the starting vocabularies where missing (tests, and databases emptied by hand)."""
    added = 0
    for row in seed_rows():
        if session.get(TaxonomyTerm, (row["vocabulary"], row["key"])) is None:
            session.add(TaxonomyTerm(**row))
            added += 1
    session.flush()
    return added


def _active_keys(session: Session, vocabulary: str) -> set[str]:
    query = select(TaxonomyTerm.key).where(
        TaxonomyTerm.vocabulary == vocabulary, TaxonomyTerm.active.is_(True)
    )
    return set(session.scalars(query))


def _term(session: Session, vocabulary: str, key: str) -> TaxonomyTerm:
    check_vocabulary(vocabulary)
    term = session.get(TaxonomyTerm, (vocabulary, key))
    if term is None:
        raise NotFound(f"no term {key!r} in {vocabulary}", field="key")
    return term
