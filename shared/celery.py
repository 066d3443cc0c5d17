"""Celery app factory with the safe defaults every service shares (see ARCHITECTURE.md)."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError as DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from shared.config import env_float
from shared.db import make_engine, make_session_factory
from shared.logging import set_correlation_id
from shared.outbox import on_commit_with_events

log = logging.getLogger(__name__)

TASK_TIME_LIMIT = 120
RETRY_BACKOFF_MAX = 600
# Longer than any time limit plus retry delay, so Redis never redelivers a task still running.
VISIBILITY_TIMEOUT = 2 * (TASK_TIME_LIMIT + RETRY_BACKOFF_MAX)


class ServiceTask(Task):
    """Transient failures (database locked or gone, broker gone) retry with backoff and jitter."""

    autoretry_for = (DatabaseError, BrokerError, ConnectionError, TimeoutError)
    retry_backoff = True
    retry_backoff_max = RETRY_BACKOFF_MAX
    retry_jitter = True
    max_retries = 10


class ServiceCelery(Celery):
    """A Celery app that knows its service's database; the engine is made lazily, after fork."""

    def __init__(self, service: str, database_url: str, **kwargs: Any) -> None:
        super().__init__(service, task_cls=ServiceTask, **kwargs)
        self.service = service
        self.database_url = database_url

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions whose commits that recorded events nudge this service's outbox relay."""
        factory = make_session_factory(self.engine)
        relay = f"{self.service}.relay_outbox"
        on_commit_with_events(factory, lambda: nudge(self, relay, self.service))
        return factory


def make_celery(
    service: str,
    database_url: str,
    broker_url: str,
    imports: tuple[str, ...] = (),
    beat_schedule: dict[str, dict[str, Any]] | None = None,
) -> ServiceCelery:
    app = ServiceCelery(service, database_url, broker=broker_url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=TASK_TIME_LIMIT,
        task_soft_time_limit=TASK_TIME_LIMIT - 10,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        worker_hijack_root_logger=False,
        task_default_queue=service,
        task_routes={f"{service}.*": {"queue": service}},
        imports=imports,
        beat_schedule=beat_schedule or {},
        timezone="Europe/Berlin",
        enable_utc=True,
    )
    return app


def sweep_schedule(service: str) -> dict[str, dict[str, Any]]:
    """The beat entries of every outbox: re-send what it still holds (``OUTBOX_SWEEP_SECONDS``),
    forget what was confirmed long ago (``RETENTION_SWEEP_SECONDS``)."""
    relay, purge = f"{service}.relay_outbox", f"{service}.purge_outbox"
    return {
        relay: {"task": relay, "schedule": env_float("OUTBOX_SWEEP_SECONDS", 10.0)},
        purge: {"task": purge, "schedule": env_float("RETENTION_SWEEP_SECONDS", 3600.0)},
    }


def nudge(app: Celery, task_name: str, queue: str) -> None:
    """Best effort: ask a worker to run ``task_name`` soon; never fail the caller if Redis is down."""
    # One connection attempt only: kombu would otherwise retry for seconds while Redis is down.
    options = {**app.conf.broker_transport_options, "max_retries": 0}
    try:
        with app.connection_for_write(transport_options=options) as connection:
            app.send_task(task_name, queue=queue, retry=False, connection=connection)
    except Exception:  # noqa: BLE001 - the beat sweep catches up whatever this misses
        log.warning("could not nudge %s; the beat sweep will catch up", task_name)


@task_prerun.connect
def _bind_correlation_id(kwargs: dict[str, Any] | None = None, **_: Any) -> None:
    envelope = (kwargs or {}).get("envelope")
    correlation_id = envelope.get("correlation_id") if isinstance(envelope, dict) else None
    set_correlation_id(correlation_id or (kwargs or {}).get("correlation_id"))


@task_postrun.connect
def _clear_correlation_id(**_: Any) -> None:
    set_correlation_id(None)
