"""The Celery app of one service's worker and beat processes."""

from __future__ import annotations

from typing import Any

from shared.celery import ServiceCelery, make_celery, sweep_schedule
from shared.logging import configure_logging
from shared.settings import ServiceSettings


def make_worker_app(
    settings: ServiceSettings, beat_schedule: dict[str, dict[str, Any]] | None = None
) -> ServiceCelery:
    """Logging, the service's ``tasks`` module and its beat schedule (outbox sweep included)."""
    service = settings.service
    configure_logging(service)
    return make_celery(
        service,
        settings.database_url,
        settings.redis_url,
        imports=(f"services.{service}.tasks",),
        beat_schedule={**sweep_schedule(service), **(beat_schedule or {})},
    )
