"""Fixtures: real databases (SQLite, and PostgreSQL when configured), real Redis, real SMTP and
real Celery worker processes, started once per session; state is cleaned per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from services.funding.app import create_app as create_funding
from services.funding.config import Settings as FundingSettings
from services.network.app import create_app as create_network
from services.network.config import Settings as NetworkSettings
from services.notifications.app import create_app as create_notifications
from services.notifications.config import Settings as NotificationsSettings
from shared.auth import generate_keypair
from shared.devserver.redis_choice import answers, choose_redis
from shared.mailbox import Mailbox, SmtpServer
from tests.support import databases as dbs
from tests.support.redis_slots import RedisSlots
from tests.support.tokens import TokenMaker
from tests.support.workers import Worker, purge_queues


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    private, public = generate_keypair(tmp_path_factory.mktemp("keys"))
    os.environ["NETWORK_JWT_PRIVATE_KEY_FILE"] = str(private)
    os.environ["TEILHABE_JWT_PUBLIC_KEY_FILE"] = str(public)
    return private, public


@pytest.fixture(scope="session")
def tokens(keys: tuple[Path, Path]) -> TokenMaker:
    return TokenMaker(keys[0].read_bytes())


@pytest.fixture(scope="session")
def redis_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis: TEILHABE_TEST_REDIS_URL, the local one, or an embedded server."""
    url = os.environ.get("TEILHABE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    if answers(url):
        yield url.rstrip("/")
        return
    os.environ.pop("REDIS_URL", None)
    chosen = choose_redis(tmp_path_factory.mktemp("redis"))
    yield chosen.url.rsplit("/", 1)[0]
    chosen.stop()


@pytest.fixture(scope="session", params=dbs.backends())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dbs.ServiceDatabases]:
    """Databases for in-process tests; worker tests get their own (see running_stack)."""
    created = dbs.create(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield created
    dbs.drop(created)


@pytest.fixture(scope="session")
def redis_slots(redis_base: str) -> Iterator[RedisSlots]:
    slots = RedisSlots(redis_base)
    yield slots
    slots.release()


@pytest.fixture(scope="session")
def redis_url(databases: dbs.ServiceDatabases, redis_slots: RedisSlots) -> str:
    """This session's own Redis database for this backend's workers and apps."""
    return redis_slots.claim()


@dataclass
class Apps:
    funding: Flask
    network: Flask
    notifications: Flask

    def client(self, service: str) -> FlaskClient:
        return getattr(self, service).test_client()


def make_apps(databases: dbs.ServiceDatabases, redis_url: str, keys: tuple[Path, Path]) -> Apps:
    public, private = keys[1].read_bytes(), keys[0].read_bytes()
    common = {"redis_url": redis_url, "jwt_public_key": public}
    urls = databases.urls
    return Apps(
        funding=create_funding(
            FundingSettings(
                service="funding",
                database_url=urls["funding"],
                # uploads from tests stay out of the developer's var/attachments
                attachments_dir=Path(tempfile.mkdtemp(prefix="teilhabe-attachments-")),
                **common,
            )
        ),
        network=create_network(
            NetworkSettings(
                service="network", database_url=urls["network"], jwt_private_key=private, **common
            )
        ),
        notifications=create_notifications(
            NotificationsSettings(service="notifications", database_url=urls["notifications"], **common)
        ),
    )


@pytest.fixture(scope="session")
def service_apps(databases: dbs.ServiceDatabases, redis_url: str, keys: tuple[Path, Path]) -> Apps:
    return make_apps(databases, redis_url, keys)


@pytest.fixture
def apps(service_apps: Apps, databases: dbs.ServiceDatabases, redis_url: str) -> Apps:
    """The three apps on empty databases and empty queues."""
    databases.clean()
    purge_queues(redis_url)
    return service_apps


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer(Mailbox()) as server:
        yield server


@dataclass
class Stack:
    """The whole system: in-process web apps, real workers, Redis and an SMTP server."""

    apps: Apps
    workers: dict[str, Worker]
    smtp: SmtpServer
    databases: dbs.ServiceDatabases
    redis_url: str

    @property
    def mailbox(self) -> Mailbox:
        return self.smtp.mailbox

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url)


@pytest.fixture(scope="session")
def running_stack(
    backend: str,
    redis_slots: RedisSlots,
    smtp_server: SmtpServer,
    keys: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """Workers relay and sweep their databases all the time, so they get databases, a Redis
    database and apps of their own, apart from the in-process tests'."""
    databases = dbs.create(backend, tmp_path_factory.mktemp(f"stack-db-{backend}"))
    redis_url = redis_slots.claim()
    env = {
        **databases.env(),
        "REDIS_URL": redis_url,
        "NETWORK_JWT_PRIVATE_KEY_FILE": str(keys[0]),
        "TEILHABE_JWT_PUBLIC_KEY_FILE": str(keys[1]),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "OUTBOX_LEASE_SECONDS": "2",
        "OUTBOX_SWEEP_SECONDS": "0.5",
        "EMAIL_SWEEP_SECONDS": "1",
        "PORTAL_URL": "http://portal.test",
    }
    log_dir = tmp_path_factory.mktemp(f"workers-{databases.backend}")
    workers = {s: Worker(s, env, log_dir) for s in dbs.SERVICES}
    purge_queues(redis_url)
    for worker in workers.values():
        worker.start()
    yield Stack(make_apps(databases, redis_url, keys), workers, smtp_server, databases, redis_url)
    for worker in workers.values():
        worker.stop()
    dbs.drop(databases)


@pytest.fixture
def stack(running_stack: Stack) -> Stack:
    """The running system with empty databases, queues and mailbox."""
    for worker in running_stack.workers.values():
        if worker.process is None:
            worker.start()
    running_stack.databases.clean()
    purge_queues(running_stack.redis_url)
    running_stack.smtp.reset()
    running_stack.mailbox.clear()
    return running_stack
