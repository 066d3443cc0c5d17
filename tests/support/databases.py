"""Per-run databases for each service, on SQLite files or on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import Engine, MetaData, delete, make_url, text
from sqlalchemy.orm import Session

from services.funding.models import Base as FundingBase
from services.network.models import Base as NetworkBase
from services.notifications.models import Base as NotificationsBase
from shared.db import make_engine, make_session_factory, transaction
from shared.migrations import upgrade

SERVICES = ("funding", "network", "notifications")
METADATA: dict[str, MetaData] = {
    "funding": FundingBase.metadata,
    "network": NetworkBase.metadata,
    "notifications": NotificationsBase.metadata,
}
POSTGRES_ADMIN_URL = os.environ.get("TEILHABE_TEST_POSTGRES_URL", "")


def backends() -> list[str]:
    """SQLite always; PostgreSQL when TEILHABE_TEST_POSTGRES_URL points at a server."""
    return ["sqlite", "postgres"] if POSTGRES_ADMIN_URL else ["sqlite"]


@dataclass
class ServiceDatabases:
    backend: str
    urls: dict[str, str]
    engines: dict[str, Engine] = field(default_factory=dict)

    def engine(self, service: str) -> Engine:
        if service not in self.engines:
            self.engines[service] = make_engine(self.urls[service])
        return self.engines[service]

    def clean(self) -> None:
        """Delete every row, children first, so each test starts empty."""
        for service in SERVICES:
            with transaction(make_session_factory(self.engine(service))) as session:
                for table in reversed(METADATA[service].sorted_tables):
                    # Append-only tables (audit_entry) refuse DELETE by trigger.
                    with guards_lifted(session, table.name):
                        session.execute(delete(table))

    def env(self) -> dict[str, str]:
        return {f"{s.upper()}_DATABASE_URL": url for s, url in self.urls.items()}

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()
        self.engines.clear()


# Guard triggers refuse a statement by raising; others (search index upkeep) keep running.
POSTGRES_GUARDS = """
SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
WHERE t.tgrelid = CAST(:t AS regclass) AND NOT t.tgisinternal AND p.prosrc ILIKE '%raise exception%'
"""
SQLITE_GUARDS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"


@contextmanager
def guards_lifted(session: Session, table: str) -> Iterator[None]:
    """The table's guard triggers off inside the caller's transaction only, as only the table's
    owner could do: for emptying test databases and for tests that play an intruder with those
    rights. Other connections never see the table unguarded."""
    if session.get_bind().dialect.name == "postgresql":
        names = list(session.scalars(text(POSTGRES_GUARDS), {"t": f'"{table}"'}))
        for name in names:
            session.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"'))
        yield
        for name in names:
            session.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"'))
        return
    guards = [(n, sql) for n, sql in session.execute(text(SQLITE_GUARDS), {"t": table}) if "RAISE(" in sql]
    for name, _sql in guards:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in guards:
        session.execute(text(sql))


def create(backend: str, workdir: Path) -> ServiceDatabases:
    run = uuid.uuid4().hex[:8]
    if backend == "sqlite":
        urls = {s: f"sqlite:///{workdir / f'{s}-{run}.sqlite3'}" for s in SERVICES}
    else:
        urls = {s: _create_postgres_database(f"teilhabe_test_{run}_{s}") for s in SERVICES}
    for service, url in urls.items():
        upgrade(service, url)
    return ServiceDatabases(backend, urls)


def drop(databases: ServiceDatabases) -> None:
    databases.dispose()
    if databases.backend != "postgres":
        return
    with _admin() as admin:
        for url in databases.urls.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _create_postgres_database(name: str) -> str:
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _admin() -> psycopg.Connection:
    url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
