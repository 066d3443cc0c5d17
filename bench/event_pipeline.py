"""How fast events flow: network's outbox → relay → Redis → notifications' inbox → confirmation.

Real Celery worker processes, real Redis, real databases. Prints throughput and per-event latency.
    .venv/bin/python -m bench.event_pipeline --events 2000 [--backend postgres]
(postgres needs TEILHABE_TEST_POSTGRES_URL, as the tests do).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from services.network.models import OutboxMessage, outbox
from services.notifications.models import Recipient
from shared.db import make_session_factory, transaction
from shared.devserver.redis_choice import answers
from tests.support import databases as dbs
from tests.support.redis_slots import RedisSlots
from tests.support.workers import Worker


def record_events(factory, count: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with transaction(factory) as session:
        for n in range(count):
            outbox.record(
                session,
                "network.contact.subscribed",
                1,
                {
                    "contact_id": str(uuid.uuid4()),
                    "email": f"kontakt{n}@verein.example",
                    "name": f"Kontakt {n}",
                    "language": "de",
                    "topics": ["funding_calls"],
                    "districts": ["Köln"],
                    "organization_ids": [str(uuid.uuid4())],
                },
            )
    return time.perf_counter() - started


def wait_for(probe, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while not probe():
        if time.perf_counter() - started > timeout:
            raise SystemExit("timed out")
        time.sleep(0.05)
    return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    args = parser.parse_args()
    if not answers(args.redis):
        raise SystemExit(f"no Redis at {args.redis}")
    slots = RedisSlots(args.redis)
    redis_url = slots.claim()
    workdir = Path(tempfile.mkdtemp(prefix="teilhabe-bench-"))
    databases = dbs.create(args.backend, workdir)
    env = {**databases.env(), "REDIS_URL": redis_url, "OUTBOX_SWEEP_SECONDS": "1"}
    workers = [Worker(service, env, workdir) for service in ("network", "notifications")]
    try:
        for worker in workers:
            worker.start()
        run(databases, args.events)
    finally:
        for worker in workers:
            worker.stop()
        dbs.drop(databases)
        slots.release()


def run(databases: dbs.ServiceDatabases, count: int) -> None:
    network = make_session_factory(databases.engine("network"))
    notifications = make_session_factory(databases.engine("notifications"))

    def handled() -> bool:
        with notifications() as session:
            return session.scalar(select(func.count()).select_from(Recipient)) >= count

    def confirmed() -> bool:
        with network() as session:
            return not session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.confirmed_at.is_(None))
            )

    record_seconds = record_events(network, count)
    started = time.perf_counter()  # the commit's nudge starts the relay
    done = wait_for(handled, timeout=600)
    all_confirmed = wait_for(confirmed, timeout=600)
    with network() as n, notifications() as m:
        created = {
            row.envelope["data"]["contact_id"]: row.created_at for row in n.scalars(select(OutboxMessage))
        }
        latencies = sorted(
            (r.updated_at - created[r.contact_id]).total_seconds() for r in m.scalars(select(Recipient))
        )
    print(f"backend={databases.backend} events={count}")
    print(
        f"record in outbox: {record_seconds:.2f} s ({count / record_seconds:,.0f} events/s, one transaction)"
    )
    print(
        f"handled by consumer: {done - started:.2f} s after commit ({count / (done - started):,.0f} events/s)"
    )
    print(f"all confirmed back to producer: {all_confirmed - started:.2f} s after commit")
    print(
        f"latency commit→handled: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
