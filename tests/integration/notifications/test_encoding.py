"""Names in Arabic, Cyrillic and Turkish letters survive a real SMTP round trip: planned, sent over
a real connection to aiosmtpd, received and parsed back, in headers and in both parts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.notifications import delivery, domain
from services.notifications.mailer import SmtpSettings
from services.notifications.services import planning
from shared.mailbox import ReceivedMessage, SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.support import builders

NAMES = {
    "ar": "محمد الأحمد",
    "uk": "Олена Коваленко",
    "ru": "Дмитрий Иванов",
    "tr": "Ayşe Yılmaz-Güneş",
}
TITLE = "Сад для всіх: Nachbarschaftsgarten „Gül“ – حديقة الحي"


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> Iterator[SmtpSettings]:
    smtp_server.reset()
    smtp_server.mailbox.clear()
    yield SmtpSettings(host=smtp_server.host, port=smtp_server.port, timeout=5)


def send_approval(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, name: str, language: str
) -> ReceivedMessage:
    event = helpers.event("funding.application.approved", title=TITLE)
    context = {"title": TITLE, "approved_cents": 400_000, "portal_link": "http://portal.test/a/1"}
    addressee = domain.Addressee(f"{language}@verein.example", name, (language,))
    with helpers.session_of(apps.notifications) as session:
        planning.plan_emails(
            session, event, "application_approved", [addressee], context, purpose=domain.ADMINISTRATIVE
        )
    report = delivery.deliver_pending(builders.session_factory(apps.notifications), smtp)
    assert report.sent == 1
    [received] = smtp_server.mailbox.wait_for(1)
    return received


def headers_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


@pytest.mark.parametrize("language", sorted(NAMES))
def test_a_non_latin_name_and_title_arrive_intact_in_headers_and_both_parts(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer, language: str
) -> None:
    name = NAMES[language]

    received = send_approval(apps, smtp, smtp_server, name, language)

    message = received.parsed()
    assert message["To"].addresses[0].display_name == name
    assert message["To"].addresses[0].addr_spec == f"{language}@verein.example"
    assert TITLE in message["Subject"]
    assert message["Content-Language"] == language
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert name in text.get_content() and TITLE in text.get_content()
    assert name in html.get_content() and TITLE in html.get_content()


def test_headers_travel_as_seven_bit_encoded_words_so_any_server_accepts_them(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    received = send_approval(apps, smtp, smtp_server, NAMES["ar"], "ar")

    raw_headers = headers_of(received.raw)
    assert raw_headers.isascii()
    assert b"=?utf-8?" in raw_headers.lower()
    assert NAMES["ar"].encode() not in raw_headers


def test_a_name_with_a_comma_and_quotes_stays_one_recipient(
    apps: Apps, smtp: SmtpSettings, smtp_server: SmtpServer
) -> None:
    name = 'Yılmaz, Ayşe "Ayşo"'

    received = send_approval(apps, smtp, smtp_server, name, "tr")

    [address] = received.parsed()["To"].addresses
    assert (address.display_name, address.addr_spec) == (name, "tr@verein.example")
    assert received.recipients == ("tr@verein.example",)
