"""The three Celery tasks every service has for events: handle, relay, confirm."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

from celery import Task, shared_task
from sqlalchemy.orm import DeclarativeBase

from shared.config import env_float
from shared.db import transaction, utcnow
from shared.events.routing import SERVICES
from shared.inbox import DeadLetterMixin, Handlers, Inbox, InboxMixin, Outcome
from shared.outbox import Outbox, OutboxMixin

log = logging.getLogger(__name__)
RELAY_BATCH = 200
RELAY_BATCHES_PER_RUN = 50


AfterConsume = Callable[[Task, dict[str, Any]], None]


def register_event_tasks(
    service: str,
    outbox: Outbox,
    inbox: Inbox,
    handlers: Handlers,
    after_consume: AfterConsume | None = None,
) -> EventTasks:
    """Define ``<service>.handle_event``, ``.relay_outbox``, ``.confirm_event`` and ``.purge_outbox``.

    ``after_consume(task, envelope)`` runs after the handler's transaction committed, e.g. to send
    the emails it planned; a failure there retries the task, and the inbox makes that harmless.
    """

    @shared_task(name=f"{service}.handle_event", bind=True)
    def handle_event(self: Task, envelope: dict[str, Any]) -> str:
        outcome = inbox.consume(self.app.session_factory, envelope, handlers)
        log.info("event %s", outcome.value, extra={"fields": {"event_id": envelope.get("id")}})
        if after_consume is not None and outcome is not Outcome.DEAD_LETTER:
            after_consume(self, envelope)
        _confirm_receipt(self, envelope, service)
        return outcome.value

    @shared_task(name=f"{service}.relay_outbox", bind=True)
    def relay_outbox(self: Task) -> int:
        def send(task_name: str, envelope: dict[str, Any], queue: str) -> None:
            self.app.send_task(task_name, kwargs={"envelope": envelope}, queue=queue)

        total = 0
        for _ in range(RELAY_BATCHES_PER_RUN):  # a big burst drains now, not one batch per sweep
            with transaction(self.app.session_factory) as session:
                sent = outbox.relay(session, send, limit=RELAY_BATCH)
            total += sent
            if sent < RELAY_BATCH:
                break
        return total

    @shared_task(name=f"{service}.confirm_event", bind=True)
    def confirm_event(self: Task, event_id: str, consumer: str) -> bool:
        with transaction(self.app.session_factory) as session:
            return outbox.confirm(session, event_id, consumer)

    @shared_task(name=f"{service}.purge_outbox", bind=True)
    def purge_outbox(self: Task) -> int:
        """Beat: forget events confirmed more than ``OUTBOX_RETENTION_DAYS`` (30) ago."""
        with transaction(self.app.session_factory) as session:
            return outbox.purge(session, utcnow() - timedelta(days=env_float("OUTBOX_RETENTION_DAYS", 30.0)))

    return EventTasks(handle_event, relay_outbox, confirm_event, purge_outbox)


class EventTasks(NamedTuple):
    handle_event: Task
    relay_outbox: Task
    confirm_event: Task
    purge_outbox: Task


def _confirm_receipt(task: Task, envelope: object, consumer: str) -> None:
    """Tell the producer this consumer holds the event, so its outbox stops re-sending it."""
    if not isinstance(envelope, dict) or not envelope.get("id"):
        return
    producer = str(envelope.get("producer"))
    if producer not in SERVICES:
        return
    task.app.send_task(
        f"{producer}.confirm_event",
        kwargs={"event_id": str(envelope["id"]), "consumer": consumer},
        queue=producer,
    )


def event_stores(base: type[DeclarativeBase], service: str) -> tuple[Outbox, Inbox]:
    """The service's outbox, inbox and dead-letter tables on its own declarative base."""
    module = {"__module__": base.__module__}
    outbox_model = type("OutboxMessage", (OutboxMixin, base), module)
    inbox_model = type("InboxRecord", (InboxMixin, base), module)
    dead_letter_model = type("DeadLetter", (DeadLetterMixin, base), module)
    return Outbox(service, outbox_model), Inbox(service, inbox_model, dead_letter_model)
