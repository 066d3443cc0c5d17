"""Import use cases: a dry run that says per row what would happen, and the real run in batches."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.network.domain import imports as domain
from services.network.models import ImportJob, Organization, TaxonomyTerm
from services.network.services import organizations
from shared.auth import STAFF_ROLES, Actor
from shared.db import transaction, utcnow
from shared.errors import DomainError, NotFound

log = logging.getLogger(__name__)
BATCH = 100
BATCHES_PER_TASK = 20  # then the task hands over to a fresh one, well inside Celery's time limit
REQUEUE_AFTER = timedelta(seconds=30)
IMPORT_TASK = "network.import_organizations"


def dry_run(session: Session, filename: str, content: bytes) -> dict[str, Any]:
    """What importing the file would do, row by row; nothing is written."""
    sheet = domain.read_sheet(filename, content)
    vocabularies = _vocabularies(session)
    known = _match_index(session)
    rows = []
    for index in range(len(sheet.rows)):
        parsed = domain.parse_row(index + 2, domain.row_cells(sheet, index), vocabularies)
        action = "rejected"
        if not parsed.errors:
            action = "updated" if _existing(known, parsed.data) else "created"
            known.update(dict.fromkeys(domain.match_keys(parsed.data), "(this file)"))
        rows.append(_result(parsed, action))
    return {
        "dry_run": True,
        "total": len(rows),
        **_counts(rows),
        "rows": rows,
        "ignored_columns": _ignored(sheet),
    }


def start_import(session: Session, filename: str, content: bytes, actor: Actor) -> ImportJob:
    """A queued job holding the checked file; the caller enqueues the task after commit."""
    sheet = domain.read_sheet(filename, content)
    job = ImportJob(
        filename=filename[:255], file_format=sheet.file_format, content=content,
        created_by=actor.user_id, total=len(sheet.rows), results=[],
    )  # fmt: skip
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: str) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("no such import", field="job_id")
    return job


def needs_requeue(job: ImportJob) -> bool:
    """A job still queued long after upload lost its task (Redis was down): send it again."""
    return job.status == "queued" and utcnow() - job.created_at > REQUEUE_AFTER


def run_import(factory: sessionmaker[Session], job_id: str) -> bool:
    """Process the job's next batches, each committed with its progress; True when finished.

    A redelivered task resumes after the last committed batch, so no row is imported twice.
    """
    for _ in range(BATCHES_PER_TASK):
        with transaction(factory) as session:
            job = session.get(ImportJob, job_id)
            if job is None or job.status in ("done", "failed"):
                return True
            finished = _run_batch(session, job)
        if finished:
            return True
    return False


def fail(factory: sessionmaker[Session], job_id: str, error: str) -> None:
    with transaction(factory) as session:
        job = session.get(ImportJob, job_id)
        if job is not None:
            job.status, job.error, job.finished_at, job.content = "failed", error[:2000], utcnow(), None


def _run_batch(session: Session, job: ImportJob) -> bool:
    try:
        sheet = domain.read_sheet(job.filename, job.content or b"")
    except DomainError as error:
        job.status, job.error, job.finished_at = "failed", error.message, utcnow()
        return True
    job.status = "running"
    vocabularies = _vocabularies(session)
    # Importing acts for the staff member who uploaded the file (checked at upload).
    actor = Actor(user_id=job.created_by, email="", roles=STAFF_ROLES[:1])
    known, results = _match_index(session), list(job.results)
    for index in range(job.processed, min(job.processed + BATCH, len(sheet.rows))):
        parsed = domain.parse_row(index + 2, domain.row_cells(sheet, index), vocabularies)
        results.append(_import_row(session, parsed, actor, known))
    job.results, job.processed = results, len(results)
    counts = _counts(results)
    job.created_count, job.updated_count, job.rejected_count = (
        counts["created"],
        counts["updated"],
        counts["rejected"],
    )
    if job.processed >= len(sheet.rows):
        job.status, job.finished_at, job.content = "done", utcnow(), None
        return True
    return False


def _import_row(
    session: Session, parsed: domain.ParsedRow, actor: Actor, known: dict[str, str]
) -> dict[str, Any]:
    if parsed.errors:
        return _result(parsed, "rejected")
    existing = _existing(known, parsed.data)
    try:
        with session.begin_nested():  # one bad row must not undo the batch
            if existing is None:
                organization = organizations.create(session, parsed.data, actor)
            else:
                organization = organizations.update(session, existing, parsed.data, actor)
            session.flush()
    except DomainError as error:
        parsed.errors.extend(_errors_of(error))
        return _result(parsed, "rejected")
    known.update(dict.fromkeys(domain.match_keys(parsed.data), organization.id))
    return _result(parsed, "created" if existing is None else "updated", organization.id)


def _match_index(session: Session) -> dict[str, str]:
    """Match key -> organisation id, for every organisation (one query, not one per row)."""
    columns = select(
        Organization.id, Organization.email, Organization.name, Organization.city, Organization.municipality
    )
    index: dict[str, str] = {}
    for org_id, email, name, city, municipality in session.execute(columns):
        values = {"email": email, "name": name, "city": city, "municipality": municipality}
        index.update(dict.fromkeys(domain.match_keys(values), org_id))
    return index


def _existing(index: dict[str, str], data: dict[str, Any]) -> str | None:
    """The organisation a row means: same email, or same normalised name in the same place."""
    return next((index[key] for key in domain.match_keys(data) if key in index), None)


def _vocabularies(session: Session) -> dict[str, dict[str, str]]:
    active = select(TaxonomyTerm).where(TaxonomyTerm.active.is_(True))
    terms = [(t.vocabulary, t.key, t.label_de, t.label_en) for t in session.scalars(active)]
    return domain.vocabulary_index(terms)


def _result(parsed: domain.ParsedRow, action: str, organization_id: str | None = None) -> dict[str, Any]:
    return {
        "row": parsed.number,
        "action": action,
        "name": str(parsed.data.get("name", "")),
        "organization_id": organization_id,
        "errors": parsed.errors,
    }


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "rejected": 0}
    for row in rows:
        counts[row["action"]] += 1
    return counts


def _ignored(sheet: domain.Sheet) -> list[str]:
    return domain.map_headers(sheet.headers)[1]


def _errors_of(error: DomainError) -> list[dict[str, str]]:
    if error.errors:
        return [{"field": name, "message": m} for name, messages in error.errors.items() for m in messages]
    return [{"field": error.field or "", "message": error.message}]


def enqueue(celery: Celery, job_id: str) -> None:
    """Best effort after commit: a job whose task got lost is sent again when someone watches it."""
    try:
        celery.send_task(IMPORT_TASK, kwargs={"job_id": job_id}, queue="network", retry=False)
    except Exception:  # noqa: BLE001 - the job stays queued and needs_requeue() catches it
        log.warning("could not enqueue import %s; it is sent again when its progress is read", job_id)
