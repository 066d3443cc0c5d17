"""Delivery against a real aiosmtpd server told to answer 421, 451 or 550 or to drop the connection:
each path ends in the right state with the right number of messages received.

Policy for a dropped connection after DATA (the server may or may not have taken the message): the
email goes back to pending and is resent once it is due, with the same Message-ID, so the receiving
side can recognise the duplicate. Email cannot be exactly-once; this is at-least-once, identifiable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.notifications import domain
from services.notifications.mailer import RateLimiter, SmtpSettings
from services.notifications.models import Email
from shared.db import utcnow
from shared.mailbox import SmtpServer
from tests.conftest import Apps, Stack
from tests.integration.notifications import helpers
from tests.support.waiting import wait_until

ADDRESS = "kontakt@bruecken.example"


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)
    smtp_server.reset()


def make_due(apps: Apps) -> None:
    """Time passes: every retry waiting for its backoff is due now."""
    with helpers.session_of(apps.notifications) as session:
        session.execute(update(Email).where(Email.status == "pending").values(next_attempt_at=utcnow()))


@pytest.mark.parametrize("code", [421, 451])
def test_a_temporary_failure_is_retried_after_a_backoff_and_received_exactly_once(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, code: int
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.fail_next(code, message="4.3.2 Bitte später")

    first = helpers.send(apps.notifications, smtp)
    waiting = helpers.the_email(apps.notifications)
    too_early = helpers.send(apps.notifications, smtp)
    make_due(apps)
    second = helpers.send(apps.notifications, smtp)

    assert (first.retrying, too_early.sent, second.sent) == (1, 0, 1)
    assert waiting.status == "pending" and waiting.last_error.startswith(str(code))
    assert waiting.next_attempt_at >= utcnow() + domain.RETRY_BASE * 0.5 - timedelta(seconds=5)
    assert (helpers.the_email(apps.notifications).status, helpers.the_email(apps.notifications).attempts) == (
        "sent",
        2,
    )
    [received] = smtp_server.mailbox.wait_for(1)
    assert received.recipients == (ADDRESS,)
    assert helpers.suppressions(apps.notifications) == []


def test_a_temporary_failure_gives_up_after_the_attempt_limit(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.fail_next(451, count=domain.MAX_ATTEMPTS)

    for _ in range(domain.MAX_ATTEMPTS):
        make_due(apps)
        helpers.send(apps.notifications, smtp)

    email = helpers.the_email(apps.notifications)
    assert (email.status, email.attempts) == ("failed", domain.MAX_ATTEMPTS)
    assert smtp_server.mailbox.messages() == []


def test_an_unknown_mailbox_fails_at_once_and_is_suppressed(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    event_id = helpers.plan_approval(apps.notifications, ADDRESS, "gut@verein.example")
    smtp_server.refuse_recipient(ADDRESS, 550, "5.1.1 Mailbox unknown")

    report = helpers.send(apps.notifications, smtp)
    make_due(apps)
    later = helpers.send(apps.notifications, smtp)

    statuses = {e.recipient: (e.status, e.attempts) for e in helpers.emails(apps.notifications)}
    assert statuses == {ADDRESS: ("failed", 1), "gut@verein.example": ("sent", 1)}
    assert (report.failed, report.sent, later.sent) == (1, 1, 0)
    assert [m.recipients for m in smtp_server.mailbox.wait_for(1)] == [("gut@verein.example",)]
    [suppression] = helpers.suppressions(apps.notifications)
    assert (suppression.address, suppression.reason, suppression.source_event) == (
        ADDRESS,
        "unknown_mailbox",
        event_id,
    )
    assert "5.1.1" in suppression.detail


def test_the_next_email_to_an_unknown_mailbox_is_not_attempted(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.refuse_recipient(ADDRESS, 550, "5.1.1 Mailbox unknown")
    helpers.send(apps.notifications, smtp)

    helpers.plan_approval(apps.notifications, ADDRESS)  # a second event for the same person

    statuses = sorted((e.status, e.attempts) for e in helpers.emails(apps.notifications))
    assert statuses == [("failed", 1), ("suppressed", 0)]


def test_a_permanent_refusal_for_another_reason_fails_without_suppressing(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.fail_next(554, message="5.7.1 Message rejected as spam")

    helpers.send(apps.notifications, smtp)
    make_due(apps)
    helpers.send(apps.notifications, smtp)

    assert (helpers.the_email(apps.notifications).status, helpers.the_email(apps.notifications).attempts) == (
        "failed",
        1,
    )
    assert helpers.suppressions(apps.notifications) == []
    assert smtp_server.mailbox.messages() == []


def test_a_drop_after_data_is_resent_once_with_the_same_message_id(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.drop_next()

    first = helpers.send(apps.notifications, smtp)
    make_due(apps)
    second = helpers.send(apps.notifications, smtp)
    make_due(apps)
    third = helpers.send(apps.notifications, smtp)

    assert (first.retrying, second.sent, third.sent) == (1, 1, 0)
    copies = smtp_server.mailbox.wait_for(2)
    email = helpers.the_email(apps.notifications)
    assert [m.message_id for m in copies] == [email.message_id, email.message_id]
    assert (email.status, email.attempts) == ("sent", 2)


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_a_closing_421_does_not_cost_the_next_message_its_delivery(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, where: str
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS, "zweite@verein.example", "dritte@verein.example")
    if where == "data":
        smtp_server.fail_next(421, message="4.4.2 closing")
    else:
        smtp_server.refuse_recipient(ADDRESS, 421, "4.4.2 closing", count=1)

    report = helpers.send(apps.notifications, smtp)

    assert (report.retrying, report.sent) == (1, 2)
    assert len(smtp_server.mailbox.wait_for(2)) == 2


def test_received_mail_has_the_headers_and_parts_the_email_row_promises(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)

    helpers.send(apps.notifications, smtp)

    [received] = smtp_server.mailbox.wait_for(1)
    message, email = received.parsed(), helpers.the_email(apps.notifications)
    assert message["Message-ID"] == email.message_id == domain.message_id(email.event_id, ADDRESS)
    assert message["Auto-Submitted"] == "auto-generated"
    assert str(message["To"]) == f"Ayşe Yılmaz <{ADDRESS}>"
    assert message.get_content_type() == "multipart/alternative"
    assert "4.000,00 €" in message.get_body(("plain",)).get_content()
    assert "4.000,00 €" in message.get_body(("html",)).get_content()
    assert "List-Unsubscribe" not in message  # administrative: nothing to unsubscribe from


def test_the_rate_limit_spaces_messages_to_one_server(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, redis_url: str
) -> None:
    count, rate = 8, 10.0
    helpers.plan_approval(apps.notifications, *(f"person{i}@verein.example" for i in range(count)))
    limiter = RateLimiter(redis_url, f"test-{time.monotonic_ns()}", rate)

    helpers.send(apps.notifications, smtp, limiter=limiter)

    received = smtp_server.mailbox.wait_for(count)
    span = (received[-1].received_at - received[0].received_at).total_seconds()
    # the first message takes the one token in the bucket; each further one waits 1/rate
    assert span >= (count - 1) / rate * 0.9


def test_an_unknown_mailbox_through_the_real_workers_ends_failed_and_suppressed(stack: Stack) -> None:
    app = stack.apps.notifications
    helpers.subscribe(app, ADDRESS, organization_ids=("c675015f-dbaf-5e66-8cbf-c74f3b24c707",))
    stack.smtp.refuse_recipient(ADDRESS, 550, "5.1.1 <kontakt@bruecken.example>: Recipient address rejected")
    approved = helpers.event("funding.application.approved")

    stack.apps.notifications.extensions["teilhabe"].celery.send_task(
        "notifications.handle_event", kwargs={"envelope": approved.as_dict()}, queue="notifications"
    )

    wait_until(lambda: helpers.suppressions(app), timeout=30, what="the address on the suppression list")
    assert [(e.status, e.attempts) for e in helpers.emails(app)] == [("failed", 1)]
    assert stack.mailbox.messages() == []
