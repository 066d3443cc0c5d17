"""Funding's Celery entry points."""

from __future__ import annotations

from datetime import UTC, datetime

from celery import Task, shared_task

from services.funding import events
from services.funding.config import Settings
from services.funding.models import inbox, outbox
from services.funding.services import reminders
from shared.db import transaction
from shared.messaging import register_event_tasks

EVENT_TASKS = register_event_tasks("funding", outbox, inbox, events.HANDLERS)


@shared_task(name="funding.send_report_reminders", bind=True)
def send_report_reminders(self: Task) -> dict[str, int]:
    """Beat: open reports of ended projects, remind before the due date, mark overdue ones."""
    settings = Settings.from_env()
    with transaction(self.app.session_factory) as session:
        summary = reminders.run(
            session, datetime.now(UTC), settings.report_due_days, settings.report_reminder_days
        )
    return summary.__dict__
