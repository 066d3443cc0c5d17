"""Each service's Alembic migrations build exactly the tables its models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.migrations import include_object
from tests.support.databases import METADATA, SERVICES, ServiceDatabases


@pytest.mark.parametrize("service", SERVICES)
def test_migrated_database_matches_the_models(databases: ServiceDatabases, service: str) -> None:
    with databases.engine(service).connect() as connection:
        opts = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, METADATA[service])
    assert differences == []
