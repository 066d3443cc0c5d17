"""Alembic for each service's own database: ``python -m shared.migrations <service> upgrade``."""

from __future__ import annotations

import argparse
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from shared.config import PROJECT_ROOT, database_url
from shared.db import make_engine


def alembic_config(service: str, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "services" / service / "migrations"))
    config.set_main_option("sqlalchemy.url", (url or database_url(service)).replace("%", "%%"))
    return config


def upgrade(service: str, url: str | None = None) -> None:
    command.upgrade(alembic_config(service, url), "heads")


def is_search_index(name: str | None) -> bool:
    """Full-text search machinery (FTS5 tables, tsvector columns, their indexes) carries an ``fts``
    word in its name (``organization_fts``, ``fts_document``): migrations keep it in sync with
    triggers or generated columns, and no model describes it."""
    return name is not None and "fts" in name.lower().split("_")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's filter: compare everything the models describe, never the search index."""
    return not (reflected and compare_to is None and is_search_index(name))


def run_env(context: Any, metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service", choices=["funding", "network", "notifications"])
    parser.add_argument("action", choices=["upgrade", "revision"])
    parser.add_argument("-m", "--message", default="change")
    args = parser.parse_args()
    if args.action == "upgrade":
        upgrade(args.service)
    else:
        command.revision(alembic_config(args.service), message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()
