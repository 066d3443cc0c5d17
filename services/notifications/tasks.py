"""Notifications' Celery entry points."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from celery import Task, shared_task

from services.notifications import delivery, digests, events
from services.notifications.config import Settings
from services.notifications.mailer import RateLimiter
from services.notifications.models import inbox, outbox
from services.notifications.services import deliveries
from shared.config import env_float
from shared.db import transaction, utcnow
from shared.messaging import register_event_tasks


def _deliver(task: Task, event_id: str | None = None) -> delivery.DeliveryReport:
    settings = Settings.from_env()
    limiter = RateLimiter.for_smtp(settings.redis_url, settings.smtp)
    return delivery.deliver_pending(task.app.session_factory, settings.smtp, event_id, limiter=limiter)


def _send_planned(task: Task, envelope: dict[str, Any]) -> None:
    _deliver(task, str(envelope["id"]))


EVENT_TASKS = register_event_tasks(
    "notifications", outbox, inbox, events.HANDLERS, after_consume=_send_planned
)


@shared_task(name="notifications.send_pending", bind=True)
def send_pending(self: Task) -> dict[str, int]:
    """Beat sweep: retries that are due, and what a crashed worker left half-sent."""
    delivery.stale_sending_to_pending(self.app.session_factory, env_float("EMAIL_CLAIM_LEASE_SECONDS", 300))
    return _deliver(self).__dict__


@shared_task(name="notifications.assemble_digests", bind=True)
def assemble_digests(self: Task) -> int:
    """Beat: one digest per contact and closed day or week; the send sweep delivers them."""
    with transaction(self.app.session_factory) as session:
        return digests.assemble_digests(session)


@shared_task(name="notifications.forget_email_contents", bind=True)
def forget_email_contents(self: Task) -> int:
    """Beat: empty finished emails older than ``EMAIL_RETENTION_DAYS`` (30)."""
    days = env_float("EMAIL_RETENTION_DAYS", 30.0)
    with transaction(self.app.session_factory) as session:
        return deliveries.forget_contents(session, utcnow() - timedelta(days=days))


@shared_task(name="notifications.request_resync", bind=True)
def request_resync(self: Task, resync_id: str | None = None) -> str:
    """Ask network (by task name, on its queue) to publish every contact person again; the snapshots
    arrive as ``network.contact.snapshot`` events through the outbox like any other event."""
    resync_id = resync_id or str(uuid.uuid4())
    self.app.send_task("network.publish_contact_snapshots", kwargs={"resync_id": resync_id}, queue="network")
    return resync_id
