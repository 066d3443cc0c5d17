"""A run claims a batch at once but confirms each email right before sending it: one the lease
sweep gave up and another worker took, or that an erasure cancelled, or whose address may no longer
be mailed, is not sent by the run that claimed it. A full batch queues the next run at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notifications import delivery, domain
from services.notifications.mailer import RateLimiter, SmtpSettings
from services.notifications.models import Email
from services.notifications.services import suppressions
from shared.mailbox import SmtpServer
from tests.conftest import Apps, Stack
from tests.integration.notifications import helpers
from tests.support import builders
from tests.support.waiting import wait_until
from tests.support.workers import Worker

FIRST, SECOND, THIRD = "erste@verein.example", "zweite@verein.example", "dritte@verein.example"


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)
    smtp_server.reset()


class MeanwhileOnSecondTurn(RateLimiter):
    """No pacing; when the run's second email is next, ``meanwhile`` happens (another worker,
    an erasure, an unsubscribe) as it would while a slow batch is being sent."""

    def __init__(self, redis_url: str, meanwhile: Callable[[], None]) -> None:
        super().__init__(redis_url, "test-meanwhile", rate=1.0)
        self.meanwhile, self.turns = meanwhile, 0

    def wait(self) -> None:
        self.turns += 1
        if self.turns == 2:
            self.meanwhile()


def statuses(apps: Apps) -> dict[str, str]:
    return {email.recipient: email.status for email in helpers.emails(apps.notifications)}


def test_emails_another_worker_took_after_the_lease_ran_out_are_sent_once(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, redis_url: str
) -> None:
    helpers.plan_approval(apps.notifications, FIRST, SECOND, THIRD)
    factory = builders.session_factory(apps.notifications)
    other_worker: list[delivery.DeliveryReport] = []

    def lease_runs_out_and_another_worker_sends() -> None:
        delivery.stale_sending_to_pending(factory, older_than_seconds=0)
        other_worker.append(delivery.deliver_pending(factory, smtp))

    slow = helpers.send(
        apps.notifications,
        smtp,
        limiter=MeanwhileOnSecondTurn(redis_url, lease_runs_out_and_another_worker_sends),
    )

    received = smtp_server.mailbox.wait_for(3)
    assert Counter(m.message_id for m in received).most_common(1)[0][1] == 1
    assert sorted(m.recipients[0] for m in received) == sorted([FIRST, SECOND, THIRD])
    assert (slow.sent, slow.skipped, other_worker[0].sent) == (1, 2, 2)
    assert set(statuses(apps).values()) == {"sent"}


def test_an_email_an_erasure_cancelled_while_its_batch_was_sent_is_not_sent(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, redis_url: str
) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, SECOND)
    helpers.plan_approval(apps.notifications, FIRST, SECOND)

    def erasure() -> None:
        helpers.deliver(app, helpers.event("network.contact.erased", contact_id=contact_id))

    report = helpers.send(apps.notifications, smtp, limiter=MeanwhileOnSecondTurn(redis_url, erasure))

    assert [m.recipients for m in smtp_server.mailbox.wait_for(1)] == [(FIRST,)]
    assert (report.sent, report.skipped) == (1, 1)
    assert statuses(apps) == {FIRST: "sent", f"erased-{contact_id}@invalid": "cancelled"}


@pytest.mark.parametrize("change", ["unsubscribed", "suppressed"])
def test_an_address_that_may_no_longer_be_mailed_while_its_batch_is_sent_is_not_mailed(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, redis_url: str, change: str
) -> None:
    app = apps.notifications
    helpers.subscribe(app, FIRST)
    contact_id = helpers.subscribe(app, SECOND)
    helpers.plan_approval(apps.notifications, FIRST, SECOND, purpose=domain.NEWSLETTER)

    def meanwhile() -> None:
        if change == "unsubscribed":
            unsubscribed = helpers.event("network.contact.unsubscribed", contact_id=contact_id, email=SECOND)
            helpers.deliver(app, unsubscribed)
        else:
            with helpers.session_of(app) as session:
                suppressions.suppress(session, SECOND, "complaint")

    report = helpers.send(apps.notifications, smtp, limiter=MeanwhileOnSecondTurn(redis_url, meanwhile))

    assert [m.recipients for m in smtp_server.mailbox.wait_for(1)] == [(FIRST,)]
    assert (report.sent, report.suppressed) == (1, 1)
    [email] = [e for e in helpers.emails(app) if e.recipient == SECOND]
    assert (email.status, email.attempts) == ("suppressed", 0)


def test_a_full_batch_queues_the_next_run_at_once(apps: Apps, smtp: SmtpSettings) -> None:
    helpers.plan_approval(apps.notifications, FIRST, SECOND, THIRD)
    queued: list[str] = []

    full = helpers.send(apps.notifications, smtp, limit=2, requeue=lambda: queued.append("next run"))
    rest = helpers.send(apps.notifications, smtp, limit=2, requeue=lambda: queued.append("one too many"))

    assert (full.full, full.sent, rest.full, rest.sent) == (True, 2, False, 1)
    assert queued == ["next run"]


def test_a_fan_out_larger_than_a_batch_drains_without_waiting_for_the_beat_sweep(
    stack: Stack, tmp_path: Path
) -> None:
    """The worker's beat would sweep only after an hour: every email goes out all the same."""
    count = 450  # more than two batches of 200 plus the one run the beat may start with
    usual = stack.workers["notifications"]
    usual.stop()
    no_beat = Worker("notifications", {**usual.env, "EMAIL_SWEEP_SECONDS": "3600"}, tmp_path)
    no_beat.start()
    try:
        helpers.plan_approval(stack.apps.notifications, *(f"person{n}@verein.example" for n in range(count)))
        celery = stack.apps.notifications.extensions["teilhabe"].celery
        celery.send_task("notifications.send_pending", queue="notifications")

        stack.mailbox.wait_for(count, timeout=60)
        wait_until(lambda: sent_all(stack, count), timeout=10, what="every email marked sent")
    finally:
        no_beat.stop()
        stack.databases.clean()  # so nothing left over goes out during the tests after this one
        usual.start()


def sent_all(stack: Stack, count: int) -> bool:
    with helpers.session_of(stack.apps.notifications) as session:
        return session.scalars(select(Email.status)).all() == ["sent"] * count
