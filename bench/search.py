"""Organisation search at 100,000 organisations: p50/p95/max per typical query, in milliseconds.

taskset -c 0 .venv/bin/python -m bench.search                      # SQLite in a temp dir
.venv/bin/python -m bench.search --backend postgres                # TEILHABE_TEST_POSTGRES_URL
.venv/bin/python -m bench.search --organizations 20000 --runs 50
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy import Engine, insert, make_url

from services.network.domain.search import SearchQuery
from services.network.domain.taxonomy_seed import SEED
from services.network.models import (
    Organization,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
)
from services.network.services.search import search_organizations
from shared.db import make_engine, make_session_factory, transaction
from shared.migrations import upgrade

# The vocabularies every installation starts with (migration 0002_registry seeds them).
DISTRICTS, TYPES, FIELDS, GROUPS = (
    [key for key, _, _ in SEED[vocabulary]]
    for vocabulary in ("district", "organization_type", "field_of_work", "target_group")
)
LANGUAGES = ["de", "tr", "ar", "uk", "ru", "fa", "ku", "pl", "ro", "bg", "en", "fr", "ti", "so"]
CHUNK = 1_000
STATUSES = ["verified"] * 14 + ["registered"] * 4 + ["suspended", "archived"]
NAME_PARTS = [
    ["Türkischer", "Deutsch-Arabischer", "Ukrainischer", "Kurdischer", "Polnischer", "Afrikanischer",
     "Internationaler", "Interkultureller", "Griechischer", "Syrischer", "Russischsprachiger"],
    ["Elternverein", "Kulturverein", "Frauentreff", "Sportverein", "Bildungswerk", "Jugendclub",
     "Familienzentrum", "Begegnungsort", "Moscheeverein", "Sprachcafé", "Nachbarschaftshilfe"],
]  # fmt: skip
PEOPLE = ["Yılmaz", "Öztürk", "Al-Hassan", "Haddad", "Шевченко", "Коваленко", "Müller", "Weiß", "Nowak"]
SENTENCES = [
    "Wir bieten Sprachkurse für Erwachsene und Hausaufgabenhilfe für Kinder an.",
    "Der Verein begleitet geflüchtete Familien bei Behördengängen.",
    "Jeden Freitag treffen sich Frauen aus der Nachbarschaft zum Austausch.",
    "Unsere Beratung findet auf Türkisch, Arabisch und Deutsch statt.",
    "Wir organisieren Fußballtraining für Jugendliche aus dem Stadtteil.",
    "Ehrenamtliche übersetzen bei Arztbesuchen und Elterngesprächen.",
    "Das Kulturprogramm umfasst Musik, Tanz und Lesungen in mehreren Sprachen.",
    "Seniorinnen und Senioren finden bei uns Begleitung im Alltag.",
    "Wir setzen uns gegen Diskriminierung auf dem Wohnungsmarkt ein.",
    "Die Bildungsarbeit richtet sich an Eltern mit Einwanderungsgeschichte.",
]
QUERIES: dict[str, SearchQuery] = {
    "empty query, facets only": SearchQuery(),
    "one word": SearchQuery(text="Kulturverein"),
    "two words": SearchQuery(text="türkischer elternverein"),
    "prefix (type-ahead)": SearchQuery(text="Sprachc"),
    "word + district": SearchQuery(text="Sprachkurse", filters={"district": ("Köln-Ehrenfeld",)}),
    "facet filters only": SearchQuery(filters={"field_of_work": ("education",), "language": ("ar",)}),
    "deep page (page 400)": SearchQuery(page=400, per_page=25),
    "staff, every status": SearchQuery(text="Verein", visible_statuses=None),
}


def generate(engine: Engine, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    factory = make_session_factory(engine)
    # One transaction per chunk: on PostgreSQL the facet-count triggers update the same few rows,
    # and their row versions pile up until commit.
    for start in range(0, count, CHUNK):
        with transaction(factory) as session:
            orgs, fields, languages, groups = [], [], [], []
            for _ in range(start, min(count, start + CHUNK)):
                org = _organization(rng)
                orgs.append(org)
                fields += [
                    {"organization_id": org["id"], "term": t} for t in rng.sample(FIELDS, rng.randint(1, 3))
                ]
                langs = ["de", *rng.sample(LANGUAGES[1:], rng.randint(0, 3))]
                languages += [{"organization_id": org["id"], "code": c} for c in langs]
                groups += [{"organization_id": org["id"], "term": rng.choice(GROUPS)}]
            session.execute(insert(Organization), orgs)
            session.execute(insert(OrganizationFieldOfWork), fields)
            session.execute(insert(OrganizationLanguage), languages)
            session.execute(insert(OrganizationTargetGroup), groups)


def _organization(rng: random.Random) -> dict[str, object]:
    district = rng.choice(DISTRICTS)
    name = (
        f"{rng.choice(NAME_PARTS[0])} {rng.choice(NAME_PARTS[1])} {rng.choice(PEOPLE)} {rng.randint(1, 9999)}"
    )
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "name": name,
        "type": rng.choice(TYPES),
        "district": district,
        "city": "Köln",
        "municipality": "Köln",
        "status": rng.choice(STATUSES),
        "description": " ".join(rng.sample(SENTENCES, rng.randint(2, 4))),
    }


def measure(engine: Engine, runs: int) -> None:
    factory = make_session_factory(engine)
    print(f"{'query':28} {'p50':>8} {'p95':>8} {'max':>8} {'total':>8}   (ms)")
    for label, query in QUERIES.items():

        def run(q: SearchQuery = query) -> object:
            with factory() as session:
                return search_organizations(session, q)

        timings, total = _time(run, runs)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(f"{label:28} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} {total:8d}")


def _time(run: Callable[[], object], runs: int) -> tuple[list[float], int]:
    timings, total = [], 0
    for _ in range(runs + 2):
        started = time.perf_counter()
        result = run()
        timings.append((time.perf_counter() - started) * 1000)
        total = result.total  # type: ignore[attr-defined]
    return timings[2:], total  # the first two warm the caches


def database(backend: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'search-bench.sqlite3'}", lambda: None
    admin_url = os.environ.get("TEILHABE_TEST_POSTGRES_URL")
    if not admin_url:
        raise SystemExit("set TEILHABE_TEST_POSTGRES_URL for --backend postgres")
    name = f"teilhabe_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def _analyze(engine: Engine) -> None:
    """Statistics (and on PostgreSQL the visibility map autovacuum keeps), as a running system has."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url, drop = database(args.backend, Path(workdir))
        try:
            upgrade("network", url)
            engine = make_engine(url)
            started = time.perf_counter()
            generate(engine, args.organizations)
            _analyze(engine)
            elapsed = time.perf_counter() - started
            print(f"{args.organizations} organisations on {args.backend}, generated in {elapsed:.0f} s")
            measure(engine, args.runs)
            engine.dispose()
        finally:
            drop()


if __name__ == "__main__":
    main()
