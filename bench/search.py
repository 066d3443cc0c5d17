"""Organisation search at 100,000 organisations, through the network app as a user calls it.

Each query is a GET /network/api/v1/search/organizations through Flask's test client on the app
that ``services.network.wsgi`` builds (the gunicorn target, so production's settings and process
tuning apply), with a real bearer token where staff search. Prints p50/p95/max wall time and the
p50/p95 CPU time of this process per query class, in milliseconds. Queries run round-robin, so
load from other processes spreads evenly over the classes; CPU time is what one core spends on a
request and hardly moves when other processes compete for the machine (on SQLite everything runs
in this process; on PostgreSQL the server's share is in the wall time only).

    taskset -c 0 .venv/bin/python -m bench.search                 # SQLite, cached under var/bench/
    taskset -c 0 .venv/bin/python -m bench.search --postgres      # TEILHABE_TEST_POSTGRES_URL
    .venv/bin/python -m bench.search --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.search --organizations 20000 --runs 50

The SQLite database is generated once per (size, seed, migrations, generator) and reused from
``var/bench/``; ``--fresh`` builds it again. PostgreSQL gets a scratch database that is created,
loaded and dropped on every run, unless ``--keep NAME`` keeps it (and reuses it next time):

    taskset -c 0 .venv/bin/python -m bench.search --postgres --keep teilhabe_bench_kept
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from flask.testing import FlaskClient
from sqlalchemy import Engine, insert, make_url

import services.network.app  # noqa: F401  the code under test is loaded before anything runs
from services.network.domain.taxonomy_seed import SEED
from services.network.models import (
    Organization,
    OrganizationFieldOfWork,
    OrganizationLanguage,
    OrganizationTargetGroup,
)
from shared.auth import generate_keypair
from shared.config import PROJECT_ROOT, var_dir
from shared.db import make_engine, make_session_factory, transaction
from shared.migrations import upgrade
from tests.support.tokens import TokenMaker

# Bump when generate() changes what it writes, so cached databases are rebuilt.
GENERATOR_VERSION = 1
ENDPOINT = "/network/api/v1/search/organizations"
MIGRATIONS = PROJECT_ROOT / "services" / "network" / "migrations" / "versions"
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


@dataclass(frozen=True)
class Query:
    label: str
    params: dict[str, Any]
    staff: bool = False


QUERIES = [
    Query("empty query, facets only", {}),
    Query("one word", {"q": "Kulturverein"}),
    Query("two words", {"q": "türkischer elternverein"}),
    Query("prefix (type-ahead)", {"q": "Sprachc"}),
    Query("word + district", {"q": "Sprachkurse", "district": "Köln-Ehrenfeld"}),
    Query("facet filters only", {"field_of_work": "education", "language": "ar"}),
    Query("deep page (page 400)", {"page": 400, "per_page": 25}),
    Query("staff, every status", {"q": "Verein"}, staff=True),
]


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


def load(url: str, count: int) -> None:
    """Migrate, generate and analyse, as a running system's statistics would be."""
    upgrade("network", url)
    engine = make_engine(url)
    started = time.perf_counter()
    generate(engine, count)
    if engine.dialect.name == "postgresql":
        # VACUUM also sets the visibility map autovacuum keeps on a running system.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"loaded {count} organisations in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def sqlite_database(count: int, fresh: bool) -> str:
    """The cached SQLite file for this size, built on first use (by a rename, so never half)."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{count}".encode())
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.read_bytes())
    path = var_dir() / "bench" / f"search-{count}-{digest.hexdigest()[:12]}.sqlite3"
    if fresh or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(".building")
        for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            stale.unlink(missing_ok=True)
        load(f"sqlite:///{building}", count)
        building.replace(path)
    return f"sqlite:///{path}"


@contextmanager
def postgres_database(admin_url: str, count: int, keep: str | None = None) -> Iterator[str]:
    """A scratch database on the server of ``admin_url``: created, loaded, dropped afterwards.

    With ``keep``, the database of that name is kept for EXPLAIN and the next run: loaded only if
    it does not exist yet, otherwise just migrated to the newest revision.
    """
    name = keep or f"teilhabe_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        if exists:
            reuse(url)
        else:
            load(url, count)
        yield url
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reuse(url: str) -> None:
    """A kept database at the newest revision, analysed (a new migration may add tables)."""
    upgrade("network", url)
    engine = make_engine(url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    print(f"reusing {make_url(url).database}, not reloaded (size as first loaded)", file=sys.stderr)


def production_app(database_url: str, workdir: Path) -> tuple[FlaskClient, TokenMaker]:
    """The app gunicorn serves (``services.network.wsgi``), configured by environment as deployed."""
    private, public = generate_keypair(workdir)
    os.environ["NETWORK_DATABASE_URL"] = database_url
    os.environ["TEILHABE_JWT_PUBLIC_KEY_FILE"] = str(public)
    wsgi = importlib.import_module("services.network.wsgi")
    return wsgi.app.test_client(), TokenMaker(private.read_bytes())


def call(client: FlaskClient, query: Query, headers: dict[str, str]) -> int:
    response = client.get(ENDPOINT, query_string=query.params, headers=headers if query.staff else {})
    if response.status_code != 200:
        raise SystemExit(f"{query.label}: HTTP {response.status_code} {response.get_data(as_text=True)}")
    return int(response.get_json()["total"])


def measure(client: FlaskClient, tokens: TokenMaker, runs: int) -> None:
    headers = tokens.headers("caseworker")
    wall: dict[str, list[float]] = {query.label: [] for query in QUERIES}
    cpu: dict[str, list[float]] = {query.label: [] for query in QUERIES}
    totals: dict[str, int] = {}
    collections = [0, 0, 0]
    for run in range(runs + 2):  # the first two rounds warm caches and are not counted
        if run == 2:
            collections = [generation["collections"] for generation in gc.get_stats()]
        for query in QUERIES:
            started, started_cpu = time.perf_counter(), time.process_time()
            totals[query.label] = call(client, query, headers)
            if run >= 2:
                wall[query.label].append((time.perf_counter() - started) * 1000)
                cpu[query.label].append((time.process_time() - started_cpu) * 1000)
    print(f"{'query':26} {'p50':>6} {'p95':>6} {'max':>6} {'cpu p50':>8} {'cpu p95':>8} {'hits':>7}   (ms)")
    for query in QUERIES:
        w, c = wall[query.label], cpu[query.label]
        print(
            f"{query.label:26} {statistics.median(w):6.1f} {_p95(w):6.1f} {max(w):6.1f} "
            f"{statistics.median(c):8.1f} {_p95(c):8.1f} {totals[query.label]:7d}"
        )
    # Full collections walk every live object; a pause of tens of ms shows up in the p95s.
    ran = [
        generation["collections"] - before
        for generation, before in zip(gc.get_stats(), collections, strict=True)
    ]
    print(f"garbage collections while measured (generations 0/1/2): {'/'.join(map(str, ran))}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def run(url: str, runs: int, workdir: Path) -> None:
    client, tokens = production_app(url, workdir)
    backend = make_url(url).get_backend_name()
    tuning = f"gc thresholds {gc.get_threshold()}, {gc.get_freeze_count()} objects frozen"
    print(f"{backend}, {runs} runs per query, {tuning}")
    measure(client, tokens, runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("TEILHABE_TEST_POSTGRES_URL", ""),
        metavar="URL",
        help="bench PostgreSQL in a scratch database on this server (default TEILHABE_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached SQLite database")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="PostgreSQL: keep the scratch database under this name, and reuse it if it exists",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        if args.postgres is None:
            run(sqlite_database(args.organizations, args.fresh), args.runs, Path(workdir))
            return
        if not args.postgres:
            raise SystemExit("--postgres needs a URL or TEILHABE_TEST_POSTGRES_URL")
        with postgres_database(args.postgres, args.organizations, args.keep) as url:
            run(url, args.runs, Path(workdir))


if __name__ == "__main__":
    main()
