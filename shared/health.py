"""Readiness checks behind every ``/<service>/healthz``: the database and Redis answer."""

from __future__ import annotations

from typing import Any

import redis
from sqlalchemy import Engine

from shared.db import ping


def run_checks(engine: Engine, redis_url: str) -> dict[str, str]:
    return {"database": _check(lambda: ping(engine)), "redis": _check(lambda: _ping_redis(redis_url))}


def report(service: str, checks: dict[str, str]) -> tuple[dict[str, Any], int]:
    failing = sorted(name for name, result in checks.items() if result != "ok")
    body: dict[str, Any] = {
        "status": "unavailable" if failing else "ok",
        "service": service,
        "checks": checks,
    }
    if failing:
        body["failing"] = failing
    return body, 503 if failing else 200


def _check(probe: Any) -> str:
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"


def _ping_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
