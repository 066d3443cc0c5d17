"""Network's Celery entry points."""

from datetime import timedelta

from celery import Task, shared_task

from services.network import events
from services.network.models import inbox, outbox
from services.network.services import imports, registrations, resync, subscriptions
from shared.config import env_float
from shared.db import transaction, utcnow
from shared.messaging import register_event_tasks

EVENT_TASKS = register_event_tasks("network", outbox, inbox, events.HANDLERS)


@shared_task(name="network.import_organizations", bind=True)
def import_organizations(self: Task, job_id: str) -> str:
    """Import the next rows of an uploaded file; a fresh task takes over until it is done."""
    try:
        finished = imports.run_import(self.app.session_factory, job_id)
    except self.autoretry_for:
        raise
    except Exception as exc:  # a bug, not a hiccup: show it on the job instead of "running" forever
        imports.fail(self.app.session_factory, job_id, f"{type(exc).__name__}: {exc}")
        raise
    if not finished:
        self.apply_async(kwargs={"job_id": job_id})
    return "done" if finished else "continued"


@shared_task(name="network.publish_contact_snapshots", bind=True)
def publish_contact_snapshots(self: Task, resync_id: str) -> int:
    """A consumer (notifications) asked for every contact person again: see services.resync."""
    return resync.run(self.app.session_factory, resync_id)


@shared_task(name="network.forget_unconfirmed", bind=True)
def forget_unconfirmed(self: Task) -> int:
    """Beat: subscription requests and self-registrations never confirmed within
    ``OPTIN_RETENTION_DAYS`` (30) go."""
    before = utcnow() - timedelta(days=env_float("OPTIN_RETENTION_DAYS", 30.0))
    with transaction(self.app.session_factory) as session:
        return subscriptions.forget_unconfirmed(session, before) + registrations.forget_unconfirmed(
            session, before
        )
