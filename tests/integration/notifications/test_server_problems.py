"""When the SMTP server refuses us rather than the recipient (a bad MAIL_FROM, a failed login, no
server at all), no address is suppressed and no email fails: every email of the run stays pending
with its attempt given back, again later with a growing backoff, and the problem is logged as an
error. Only a refusal of the recipient at RCPT can put an address on the suppression list."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from sqlalchemy import update

from services.notifications import domain
from services.notifications.mailer import SmtpSettings
from services.notifications.models import Email
from shared.db import utcnow
from shared.mailbox import SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers

ADDRESS, OTHER = "kontakt@bruecken.example", "gut@verein.example"
BAD_SENDER = "553 5.1.8 <noreply@ki.example>: Sender address rejected: Domain not found"


class RefusesOurSender:
    """A real server whose policy refuses our MAIL FROM (a misconfigured sender domain)."""

    async def handle_MAIL(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return BAD_SENDER


def refuse_every_login(*_: Any) -> AuthResult:
    return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def refusing_server(request: pytest.FixtureRequest) -> Iterator[SmtpSettings]:
    """``sender``: refuses MAIL FROM; ``login``: refuses every AUTH; ``nothing``: no server."""
    port = free_port()
    if request.param == "nothing":
        yield SmtpSettings(port=port, timeout=5)
        return
    login = request.param == "login"
    handler = object() if login else RefusesOurSender()
    options = {"authenticator": refuse_every_login, "auth_require_tls": False} if login else {}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpSettings(port=port, timeout=5, username="ki" if login else None, password="falsch")
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)
    smtp_server.reset()


def make_due(apps: Apps) -> None:
    with helpers.session_of(apps.notifications) as session:
        session.execute(update(Email).where(Email.status == "pending").values(next_attempt_at=utcnow()))


@pytest.mark.parametrize("refusing_server", ["sender", "login", "nothing"], indirect=True)
def test_a_server_that_refuses_us_suppresses_and_fails_nobody_and_logs_an_error(
    apps: Apps, refusing_server: SmtpSettings, caplog: pytest.LogCaptureFixture
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS, OTHER)

    with caplog.at_level(logging.ERROR, logger="services.notifications.delivery"):
        report = helpers.send(apps.notifications, refusing_server)

    emails = helpers.emails(apps.notifications)
    assert [(e.status, e.attempts) for e in emails] == [("pending", 0)] * 2
    assert helpers.suppressions(apps.notifications) == []
    assert (report.deferred, report.sent, report.failed, report.retrying) == (2, 0, 0, 0)
    assert [e.deferrals for e in emails] == [1, 1]
    assert all(e.next_attempt_at > utcnow() for e in emails)
    assert all(e.last_error.startswith("server: ") for e in emails)
    assert [r.levelno for r in caplog.records] == [logging.ERROR]


def test_a_sender_rejected_at_rcpt_as_postfix_does_is_not_the_recipients_fault(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS, OTHER)
    smtp_server.refuse_recipient(ADDRESS, 553, BAD_SENDER.removeprefix("553 "))

    report = helpers.send(apps.notifications, smtp)

    assert {e.status for e in helpers.emails(apps.notifications)} == {"pending"}
    assert helpers.suppressions(apps.notifications) == []
    assert (report.deferred, report.failed, report.sent) == (2, 0, 0)
    assert smtp_server.mailbox.messages() == []


@pytest.mark.parametrize("refusing_server", ["sender"], indirect=True)
def test_refused_runs_back_off_longer_each_time_and_the_email_goes_out_once_the_server_takes_it(
    apps: Apps, refusing_server: SmtpSettings, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    delays = []
    for _ in range(domain.MAX_ATTEMPTS + 2):
        make_due(apps)
        helpers.send(apps.notifications, refusing_server)
        [email] = helpers.emails(apps.notifications)
        delays.append(email.next_attempt_at - utcnow())

    assert (email.status, email.attempts, email.deferrals) == ("pending", 0, domain.MAX_ATTEMPTS + 2)
    # full jitter: each delay is half to all of a ceiling that doubles, up to the cap
    assert delays[0] <= domain.RETRY_BASE + timedelta(seconds=5)
    assert delays[-1] >= domain.RETRY_CAP * 0.5 - timedelta(seconds=5)
    make_due(apps)
    assert helpers.send(apps.notifications, smtp).sent == 1
    assert [m.recipients for m in smtp_server.mailbox.wait_for(1)] == [(ADDRESS,)]


def test_an_unknown_mailbox_reply_to_data_fails_the_email_but_suppresses_nobody(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESS)
    smtp_server.fail_next(550, message="5.1.1 Mailbox unknown")

    report = helpers.send(apps.notifications, smtp)

    assert helpers.suppressions(apps.notifications) == []
    assert (report.failed, helpers.emails(apps.notifications)[0].status) == (1, "failed")
