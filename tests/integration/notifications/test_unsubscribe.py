"""One-click unsubscribe (RFC 8058): every newsletter email carries List-Unsubscribe and
List-Unsubscribe-Post; network's endpoint unsubscribes on a POST without login or cookies, a GET
only shows a page, and notifications stops newsletter mail once it hears of it."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import Subscription
from services.notifications import delivery
from services.notifications.mailer import SmtpSettings
from services.notifications.models import Recipient
from services.notifications.services import planning, recipients
from shared.events import load_envelope
from shared.mailbox import SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.integration.notifications.helpers import APPROVED
from tests.support import builders

FORM = {
    "email": "ayse@bruecken.example",
    "name": "Ayşe Yılmaz",
    "language": "de",
    "topics": ["funding_calls"],
    "districts": [],
    "consent_text_version": "2026-11",
}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)


def pass_on(apps: Apps, event_type: str) -> int:
    """Hand network's events of ``event_type`` to notifications, as the relay would."""
    envelopes = builders.network_events(apps.network, event_type, "notifications")
    for envelope in envelopes:
        helpers.deliver(apps.notifications, load_envelope(envelope))
    return len(envelopes)


def subscribed_through_network(apps: Apps) -> None:
    """The real double opt-in in network; notifications learns the subscriber from its event."""
    network = apps.client("network")
    assert network.post("/network/api/v1/subscriptions", json=FORM).status_code == 202
    [optin] = builders.network_events(apps.network, "network.contact.optin_requested", "notifications")
    token = parse_qs(urlsplit(optin["data"]["confirm_url"]).query)["token"][0]
    assert (
        network.get("/network/api/v1/subscriptions/confirm", query_string={"token": token}).status_code == 200
    )
    assert pass_on(apps, "network.contact.subscribed") == 1


def newsletter_received(apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer):  # type: ignore[no-untyped-def]
    call = helpers.event("funding.call.published", districts=[])
    with helpers.session_of(apps.notifications) as session:
        assert planning.plan_routed(session, call, "application_approved", APPROVED) == 1
    delivery.deliver_pending(builders.session_factory(apps.notifications), smtp)
    [message] = smtp_server.mailbox.wait_for(1)
    return message.parsed()


def one_click_target(header: str) -> tuple[str, dict[str, str]]:
    """(path, query) of the https/http URL in a List-Unsubscribe header."""
    url = header.strip().removeprefix("<").removesuffix(">")
    parts = urlsplit(url)
    return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}


def subscription_status(apps: Apps) -> tuple[list[str], object]:
    with helpers.session_of(apps.network) as session:
        subscription = session.scalars(select(Subscription)).one()
        return subscription.topics, subscription.unsubscribed_at


def test_a_newsletter_email_carries_one_click_unsubscribe_headers(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    subscribed_through_network(apps)

    message = newsletter_received(apps, smtp, smtp_server)

    path, query = one_click_target(message["List-Unsubscribe"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http") and path == "/network/unsubscribe"
    assert query["token"]


def test_the_one_click_post_unsubscribes_without_login_or_cookies_and_notifications_follows(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    subscribed_through_network(apps)
    path, query = one_click_target(newsletter_received(apps, smtp, smtp_server)["List-Unsubscribe"])
    mail_client: FlaskClient = apps.client("network")  # a fresh client: no cookies, no token

    response = mail_client.post(path, query_string=query, data=ONE_CLICK)

    assert response.status_code == 200
    assert "Sie sind abgemeldet" in response.get_data(as_text=True)
    assert subscription_status(apps)[0] == []
    assert pass_on(apps, "network.contact.unsubscribed") == 1
    call = helpers.event("funding.call.published", districts=[])
    with helpers.session_of(apps.notifications) as session:
        assert planning.plan_routed(session, call, "application_approved", APPROVED) == 0


def test_a_second_one_click_post_changes_nothing_more(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    subscribed_through_network(apps)
    path, query = one_click_target(newsletter_received(apps, smtp, smtp_server)["List-Unsubscribe"])
    network = apps.client("network")

    responses = [network.post(path, query_string=query, data=ONE_CLICK) for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert len(builders.network_events(apps.network, "network.contact.unsubscribed", "notifications")) == 1


def test_opening_the_link_only_shows_a_page_in_german(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    subscribed_through_network(apps)
    path, query = one_click_target(newsletter_received(apps, smtp, smtp_server)["List-Unsubscribe"])

    page = apps.client("network").get(path, query_string=query)

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="de"' in html and "Jetzt abmelden" in html and 'method="post"' in html
    assert subscription_status(apps) == (["funding_calls"], None)
    assert builders.network_events(apps.network, "network.contact.unsubscribed", "notifications") == []


def test_a_forged_token_unsubscribes_nobody(apps: Apps) -> None:
    subscribed_through_network(apps)

    response = apps.client("network").post(
        "/network/unsubscribe", query_string={"token": "gefälscht"}, data=ONE_CLICK
    )

    assert response.status_code == 400
    assert "Link" in response.get_data(as_text=True)
    assert subscription_status(apps) == (["funding_calls"], None)


def test_administrative_mail_carries_no_unsubscribe_header(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    subscribed_through_network(apps)
    with helpers.session_of(apps.notifications) as session:
        [contact] = session.scalars(select(Recipient)).all()
        decision = helpers.event("funding.application.approved")
        addressees = recipients.addressees_of([contact])
        planning.plan_emails(
            session, decision, "application_approved", addressees, APPROVED, purpose="administrative"
        )
    delivery.deliver_pending(builders.session_factory(apps.notifications), smtp)

    [message] = smtp_server.mailbox.wait_for(1)
    assert "List-Unsubscribe" not in message.parsed()
