"""Every service's Celery app carries the safe defaults of ARCHITECTURE.md."""

from __future__ import annotations

import importlib

import pytest

from shared.celery import RETRY_BACKOFF_MAX, ServiceTask


@pytest.mark.parametrize("service", ["funding", "network", "notifications"])
def test_worker_app_uses_json_late_acks_and_its_own_queue(service: str) -> None:
    app = importlib.import_module(f"services.{service}.worker").celery_app
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_default_queue == service
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility > conf.task_time_limit + RETRY_BACKOFF_MAX
    assert {f"{service}.relay_outbox", f"{service}.purge_outbox"} <= set(conf.beat_schedule)


def test_tasks_retry_with_backoff_and_jitter() -> None:
    assert ServiceTask.retry_backoff and ServiceTask.retry_jitter
    assert ServiceTask.max_retries and ServiceTask.autoretry_for
