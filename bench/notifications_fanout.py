"""Fan-out of one call announcement to many subscribed contacts, through the real pipeline.

Funding's outbox → relay → Redis → notifications' worker (plans one email per contact) → delivery
over reused SMTP connections → a real aiosmtpd server. Prints messages per second, the number of
duplicates (Message-IDs received more than once: must be 0) and, in the same run against the same
server, the rate of a plain smtplib loop over one connection.
    .venv/bin/python -m bench.notifications_fanout --contacts 10000 [--backend postgres]
(postgres needs TEILHABE_TEST_POSTGRES_URL, as the tests do).
"""

from __future__ import annotations

import argparse
import smtplib
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from services.funding.models import outbox as funding_outbox
from services.notifications.mailer import build_message
from services.notifications.models import Email, Recipient
from shared.db import make_session_factory, transaction, utcnow
from shared.devserver.redis_choice import answers
from shared.events.samples import load_sample
from shared.mailbox import Mailbox, SmtpServer
from tests.support import databases as dbs
from tests.support.redis_slots import RedisSlots
from tests.support.workers import Worker

LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru")
NAMES = ("Ayşe Yılmaz", "Олена Коваленко", "محمد الأحمد", "Jan Becker")
CALL = "funding.call.published"


def create_contacts(factory: sessionmaker[Session], count: int) -> float:
    """Contacts whose subscription to funding calls in Köln-Kalk network confirmed (double opt-in)."""
    started = time.perf_counter()
    now = utcnow()
    rows = [
        {
            "contact_id": str(uuid.uuid4()),
            "email": f"kontakt{n}@verein{n % 97}.example",
            "name": NAMES[n % len(NAMES)],
            "language": LANGUAGES[n % len(LANGUAGES)],
            "topics": ["funding_calls"],
            "districts": ["Köln-Kalk"],
            "preferences_url": f"http://127.0.0.1:8000/network/preferences?token=t{n}",
            "consent_confirmed_at": now,
            "consent_source": "double_opt_in",
            "digest": "none",
            "updated_at": now,
        }
        for n in range(count)
    ]
    with transaction(factory) as session:
        session.execute(insert(Recipient), rows)
    return time.perf_counter() - started


def publish_call(factory: sessionmaker[Session]) -> str:
    with transaction(factory) as session:
        return funding_outbox.record(session, CALL, 1, load_sample(CALL, 1)["data"]).id


def wait_for_mail(mailbox: Mailbox, count: int, timeout: float) -> float:
    started = time.perf_counter()
    while len(mailbox.messages()) < count:
        if time.perf_counter() - started > timeout:
            raise SystemExit(
                f"timed out: {len(mailbox.messages())} of {count} received after {timeout:.0f} s"
            )
        time.sleep(0.5)
    return time.perf_counter()


def smtplib_loop(factory: sessionmaker[Session], smtp: SmtpServer, count: int) -> float:
    """The same kind of message (one the pipeline sent), ``count`` times over one connection."""
    with factory() as session:
        email = session.scalars(select(Email).limit(1)).one()
        message = build_message(email, "Kommunales Integrationszentrum <noreply@ki.example>")
    started = time.perf_counter()
    with smtplib.SMTP(smtp.host, smtp.port) as client:
        for n in range(count):
            message.replace_header("Message-ID", f"<plain-{n}@bench.example>")
            client.send_message(message)
    return time.perf_counter() - started


def run(databases: dbs.ServiceDatabases, smtp: SmtpServer, contacts: int, timeout: float) -> None:
    notifications = make_session_factory(databases.engine("notifications"))
    funding = make_session_factory(databases.engine("funding"))
    setup = create_contacts(notifications, contacts)
    started, committed = time.perf_counter(), utcnow()
    event_id = publish_call(funding)
    done = wait_for_mail(smtp.mailbox, contacts, timeout)
    time.sleep(2)  # anything sent twice would arrive now
    received = smtp.mailbox.messages()
    with notifications() as session:
        statuses = dict(session.execute(select(Email.status, func.count()).group_by(Email.status)).all())
    # relay, planning every email in the handler's transaction, and the first send
    first = (min(m.received_at for m in received) - committed).total_seconds()
    duplicates = sum(n - 1 for n in Counter(m.message_id for m in received).values() if n > 1)
    elapsed = done - started
    print(f"backend={databases.backend} contacts={contacts} (inserted in {setup:.2f} s) event={event_id}")
    print(
        f"pipeline: {len(received)} received in {elapsed:.1f} s after commit: "
        f"{contacts / elapsed:,.0f} messages/s"
    )
    print(f"  email rows by status: {statuses}; first received {first:.1f} s after commit")
    print(f"  duplicates (Message-IDs received more than once): {duplicates}")
    smtp.mailbox.clear()
    loop = smtplib_loop(notifications, smtp, contacts)
    print(
        f"plain smtplib loop, one connection, same server: {contacts} in {loop:.1f} s: "
        f"{contacts / loop:,.0f} messages/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--sweep-seconds", default="30", help="EMAIL_SWEEP_SECONDS for the worker's beat")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    if not answers(args.redis):
        raise SystemExit(f"no Redis at {args.redis}")
    slots = RedisSlots(args.redis)
    workdir = Path(tempfile.mkdtemp(prefix="teilhabe-fanout-"))
    databases = dbs.create(args.backend, workdir)
    with SmtpServer(Mailbox()) as smtp:
        env = {
            **databases.env(),
            "REDIS_URL": slots.claim(),
            "SMTP_HOST": smtp.host,
            "SMTP_PORT": str(smtp.port),
            "OUTBOX_SWEEP_SECONDS": "1",
            "EMAIL_SWEEP_SECONDS": args.sweep_seconds,
        }
        workers = [Worker(service, env, workdir) for service in ("funding", "notifications")]
        try:
            for worker in workers:
                worker.start()
            run(databases, smtp, args.contacts, args.timeout)
        finally:
            for worker in workers:
                worker.stop()
            dbs.drop(databases)
            slots.release()
    print(f"worker logs: {workdir}")


if __name__ == "__main__":
    main()
