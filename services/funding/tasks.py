"""Funding's Celery entry points."""

from services.funding import events
from services.funding.models import inbox, outbox
from shared.messaging import register_event_tasks

handle_event, relay_outbox, confirm_event = register_event_tasks("funding", outbox, inbox, events.HANDLERS)
