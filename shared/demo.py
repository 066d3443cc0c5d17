"""Running a service's demo-data loader: never in production, once per database."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from shared.config import database_url, is_production
from shared.db import make_engine, make_session_factory, transaction

DEMO_NAMESPACE = uuid.UUID("5d1f6c0e-7a43-4c1e-9a8e-2f4b3c6d7e80")


def demo_id(name: str) -> str:
    """The same id for the same demo record on every machine, so loaders can run twice."""
    return str(uuid.uuid5(DEMO_NAMESPACE, name))


def run_loader(service: str, load: Callable[[Session], bool]) -> None:
    if is_production():
        sys.exit("demo data is refused when TEILHABE_ENV=production")
    engine = make_engine(database_url(service))
    with transaction(make_session_factory(engine)) as session:
        loaded = load(session)
    engine.dispose()
    print(f"{service}: demo data {'loaded' if loaded else 'already present'}")
