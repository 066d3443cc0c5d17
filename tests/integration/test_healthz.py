"""Every service says whether it is ready, and names what is failing when it is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Apps
from tests.integration.funding.helpers import UNREACHABLE_REDIS, funding_app_with
from tests.support.databases import ServiceDatabases

SERVICES = ("funding", "network", "notifications")


@pytest.mark.parametrize("service", SERVICES)
def test_a_healthy_service_answers_ok_with_its_name(apps: Apps, service: str) -> None:
    response = apps.client(service).get(f"/{service}/healthz")

    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["service"] == service


def test_a_service_whose_redis_is_unreachable_is_unavailable_naming_redis(
    apps: Apps, databases: ServiceDatabases, keys: tuple[Path, Path]
) -> None:
    with funding_app_with(databases.urls["funding"], UNREACHABLE_REDIS, keys[1].read_bytes()) as app:
        response = app.test_client().get("/funding/healthz")

    assert response.status_code == 503
    assert response.json["failing"] == ["redis"]


def test_a_service_whose_database_cannot_be_opened_is_unavailable_naming_the_database(
    apps: Apps, redis_url: str, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    missing = f"sqlite:///{tmp_path / 'no-such-directory' / 'funding.sqlite3'}"

    with funding_app_with(missing, redis_url, keys[1].read_bytes()) as app:
        response = app.test_client().get("/funding/healthz")

    assert response.status_code == 503
    assert response.json["failing"] == ["database"]


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("funding", "/funding/api/v1/applications"),
        ("network", "/network/api/v1/auth/token"),
        ("notifications", "/notifications/api/v1/deliveries"),
    ],
)
def test_each_service_publishes_its_openapi_document(apps: Apps, service: str, path: str) -> None:
    response = apps.client(service).get(f"/{service}/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.")
    assert path in response.json["paths"]
