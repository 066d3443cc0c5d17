"""Double opt-in through every real part: the email arrives, its link confirms, notifications learns."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from services.notifications.models import Email, Recipient
from tests.conftest import Stack
from tests.support import builders
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

FORM = {
    "email": "ayse@bruecken.example",
    "name": "Ayşe Yılmaz",
    "language": "de",
    "topics": ["ki_events", "funding_calls"],
    "districts": ["Köln-Mülheim"],
    "consent_text_version": "2026-11",
}


def recipient(stack: Stack) -> Recipient | None:
    with builders.session_factory(stack.apps.notifications)() as session:
        return session.scalar(select(Recipient).where(Recipient.email == "ayse@bruecken.example"))


def link(body: str, path: str) -> tuple[str, str]:
    """(path, token) of the first link to ``path`` in an email body."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)})\?token=([A-Za-z0-9_.\-]+)", body)
    assert match, body
    return match.group(1), match.group(2)


def confirm_from_the_email(stack: Stack) -> str:
    network = stack.apps.client("network")
    assert network.post("/network/api/v1/subscriptions", json=FORM).status_code == 202
    [message] = stack.mailbox.wait_for(1, timeout=20)
    body = message.parsed().get_body(("plain",)).get_content()
    path, token = link(body, "/network/subscriptions/confirm")
    assert recipient(stack) is None  # nobody is addressed before the link is followed
    page = network.get(path, query_string={"token": token})
    assert page.status_code == 200, page.get_data(as_text=True)
    wait_until(lambda: recipient(stack), timeout=20, what="notifications to learn the confirmed subscriber")
    return body


def test_the_confirmation_email_arrives_and_its_link_makes_the_person_a_recipient(stack: Stack) -> None:
    body = confirm_from_the_email(stack)

    [message] = stack.mailbox.messages()
    email = message.parsed()
    assert message.recipients == ("ayse@bruecken.example",)
    assert email["Subject"] == "Bitte bestätigen Sie Ihr Abonnement"
    assert "Guten Tag Ayşe Yılmaz" in body
    html = email.get_body(("html",)).get_content()
    assert '<html lang="de" dir="ltr">' in html and "/network/preferences?token=" in html
    found = recipient(stack)
    assert (found.name, found.language) == ("Ayşe Yılmaz", "de")
    assert sorted(found.topics) == ["funding_calls", "ki_events"] and found.districts == ["Köln-Mülheim"]
    assert "/network/preferences?token=" in found.preferences_url


def test_the_confirmation_email_is_in_arabic_right_to_left_for_an_arabic_speaker(stack: Stack) -> None:
    network = stack.apps.client("network")
    body = {**FORM, "email": "amal@verein.example", "name": "أمل", "language": "ar"}
    assert network.post("/network/api/v1/subscriptions", json=body).status_code == 202

    [message] = stack.mailbox.wait_for(1, timeout=20)

    assert message.parsed()["Subject"] == "يرجى تأكيد اشتراككم"
    assert '<html lang="ar" dir="rtl">' in message.parsed().get_body(("html",)).get_content()


def test_unsubscribing_through_the_emailed_preference_link_stops_topic_mail_at_notifications(
    stack: Stack,
) -> None:
    body = confirm_from_the_email(stack)
    path, token = link(body, "/network/preferences")

    page = stack.apps.client("network").post(path, data={"token": token, "action": "unsubscribe_all"})

    assert page.status_code == 200
    wait_until(lambda: recipient(stack).topics == [], timeout=20, what="notifications to drop the topics")
    with builders.session_factory(stack.apps.notifications)() as session:
        assert session.scalar(select(Email.status)) == "sent"  # only the confirmation was ever mailed
