"""The consent rule at the one choke point (planning.plan_emails): administrative messages about a
person's own matters go out without newsletter consent; everything else needs a confirmed opt-in;
nobody on the suppression list is mailed. Refused emails are kept as ``suppressed`` rows, never sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.notifications import delivery, domain
from services.notifications.mailer import SmtpSettings
from services.notifications.services import planning, suppressions
from shared.mailbox import SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.integration.notifications.helpers import APPROVED
from tests.support import builders


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    smtp_server.reset()


def plan(apps: Apps, address: str, purpose: str, event_type: str = "funding.call.published") -> int:
    with helpers.session_of(apps.notifications) as session:
        addressee = [domain.Addressee(address, "Ayşe Yılmaz", ("de",))]
        event = helpers.event(event_type)
        return planning.plan_emails(
            session, event, "application_approved", addressee, APPROVED, purpose=purpose
        )


def send(apps: Apps, smtp: SmtpSettings) -> delivery.DeliveryReport:
    return delivery.deliver_pending(builders.session_factory(apps.notifications), smtp)


def test_a_newsletter_to_an_address_without_consent_is_recorded_as_suppressed_and_never_sent(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    planned = plan(apps, "fremd@verein.example", "newsletter")
    report = send(apps, smtp)

    [email] = helpers.emails(apps.notifications)
    assert planned == 0 and report.sent == 0
    assert (email.status, email.last_error) == ("suppressed", "no confirmed newsletter consent")
    assert email.body_text == "" and email.attempts == 0
    assert smtp_server.mailbox.messages() == []


def test_a_newsletter_to_a_confirmed_subscriber_is_sent(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    helpers.subscribe(apps.notifications, "abo@verein.example")

    assert plan(apps, "ABO@verein.example", "newsletter") == 1
    send(apps, smtp)

    [message] = smtp_server.mailbox.wait_for(1)
    assert message.recipients == ("abo@verein.example",)
    assert [e.status for e in helpers.emails(apps.notifications)] == ["sent"]


def test_an_administrative_message_needs_no_newsletter_consent(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    assert plan(apps, "antrag@verein.example", "administrative", "funding.application.approved") == 1
    send(apps, smtp)

    [message] = smtp_server.mailbox.wait_for(1)
    assert message.recipients == ("antrag@verein.example",)


def test_an_unsubscribed_contact_gets_administrative_mail_but_no_newsletter(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "abo@verein.example")
    helpers.deliver(app, helpers.event("network.contact.unsubscribed", contact_id=contact_id))

    newsletter = plan(apps, "abo@verein.example", "newsletter")
    administrative = plan(apps, "abo@verein.example", "administrative", "funding.application.approved")

    assert (newsletter, administrative) == (0, 1)
    assert sorted((e.purpose, e.status) for e in helpers.emails(app)) == [
        ("administrative", "pending"),
        ("newsletter", "suppressed"),
    ]


def test_a_suppressed_address_gets_not_even_administrative_mail(apps: Apps) -> None:
    with helpers.session_of(apps.notifications) as session:
        suppressions.suppress(session, "Kaputt@verein.example", "unknown_mailbox")

    assert plan(apps, "kaputt@verein.example", "administrative", "funding.application.approved") == 0

    [email] = helpers.emails(apps.notifications)
    assert (email.status, email.last_error) == ("suppressed", "suppressed: unknown_mailbox")


def test_an_address_suppressed_after_planning_is_not_sent(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    plan(apps, "spaeter@verein.example", "administrative", "funding.application.approved")
    with helpers.session_of(apps.notifications) as session:
        suppressions.suppress(session, "spaeter@verein.example", "unknown_mailbox")

    report = send(apps, smtp)

    assert (report.sent, report.suppressed) == (0, 1)
    assert [e.status for e in helpers.emails(apps.notifications)] == ["suppressed"]
    assert smtp_server.mailbox.messages() == []


def test_a_lifted_suppression_lets_mail_through_again(apps: Apps) -> None:
    with helpers.session_of(apps.notifications) as session:
        suppressions.suppress(session, "wieder@verein.example", "unknown_mailbox")
    [suppression] = helpers.suppressions(apps.notifications)
    with helpers.session_of(apps.notifications) as session:
        suppressions.lift_suppression(session, suppression.id, "staff-user")

    assert plan(apps, "wieder@verein.example", "administrative", "funding.application.approved") == 1


def test_planning_without_a_known_purpose_is_refused(apps: Apps) -> None:
    with pytest.raises(ValueError, match="purpose"):
        plan(apps, "x@verein.example", "werbung")
