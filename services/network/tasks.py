"""Network's Celery entry points."""

from services.network import events
from services.network.models import inbox, outbox
from shared.messaging import register_event_tasks

handle_event, relay_outbox, confirm_event = register_event_tasks("network", outbox, inbox, events.HANDLERS)
