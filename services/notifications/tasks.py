"""Notifications' Celery entry points."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from services.notifications import events, services
from services.notifications.config import Settings
from services.notifications.models import inbox, outbox
from shared.config import env_float
from shared.messaging import register_event_tasks


def _send_planned(task: Task, envelope: dict[str, Any]) -> None:
    services.deliver_pending(task.app.session_factory, Settings.from_env().smtp, str(envelope["id"]))


handle_event, relay_outbox, confirm_event = register_event_tasks(
    "notifications", outbox, inbox, events.HANDLERS, after_consume=_send_planned
)


@shared_task(name="notifications.send_pending", bind=True)
def send_pending(self: Task) -> dict[str, int]:
    """Beat sweep: retries that are due, and what a crashed worker left half-sent."""
    services.stale_sending_to_pending(self.app.session_factory, env_float("EMAIL_CLAIM_LEASE_SECONDS", 300))
    report = services.deliver_pending(self.app.session_factory, Settings.from_env().smtp)
    return report.__dict__
