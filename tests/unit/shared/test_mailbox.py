"""The development mailbox receives real SMTP mail, scripts failures and shows an inbox."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from shared.mailbox import Login, Mailbox, SmtpServer, create_inbox_app

ARABIC_AND_GERMAN = "مرحبا بكم – Grüße aus Köln, Übersicht für Jürgen"


def make_message(subject: str = "Hallo", to: str = "anna@example.org") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Teilhabe <noreply@example.org>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(f"Text zu {subject}")
    return message


def send(server: SmtpServer, *messages: EmailMessage) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        for message in messages:
            client.send_message(message)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def server(mailbox: Mailbox) -> Iterator[SmtpServer]:
    with SmtpServer(mailbox, port=0) as running:
        yield running


def test_message_with_arabic_and_umlaut_subject_arrives_decoded(server: SmtpServer, mailbox: Mailbox) -> None:
    message = make_message(ARABIC_AND_GERMAN)

    send(server, message)

    [received] = mailbox.wait_for(1)
    assert received.subject == ARABIC_AND_GERMAN
    assert received.message_id == message["Message-ID"]
    assert b"=?utf-8?" in received.raw  # it really travelled RFC 2047-encoded
    assert received.parsed()["Subject"] == ARABIC_AND_GERMAN


def test_envelope_sender_and_all_recipients_are_recorded(server: SmtpServer, mailbox: Mailbox) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.send_message(make_message(), "bounce@example.org", ["a@example.org", "b@example.org"])

    [received] = mailbox.wait_for(1)
    assert received.sender == "bounce@example.org"
    assert list(received.recipients) == ["a@example.org", "b@example.org"]


def test_wait_for_times_out_with_a_clear_error(server: SmtpServer, mailbox: Mailbox) -> None:
    send(server, make_message("Erste Nachricht"))

    with pytest.raises(TimeoutError, match=r"2 message\(s\).*1 arrived.*'Erste Nachricht'"):
        mailbox.wait_for(2, timeout=0.2)


def test_wait_for_counts_only_messages_matching_the_predicate(server: SmtpServer, mailbox: Mailbox) -> None:
    send(server, make_message("Für Anna"), make_message("Für Ben", to="ben@example.org"))

    matching = mailbox.wait_for(1, predicate=lambda m: "ben@example.org" in m.recipients)

    assert [m.subject for m in matching] == ["Für Ben"]


@pytest.mark.parametrize("code", [451, 550])
def test_scripted_failure_refuses_data_without_storing_then_recovers(
    server: SmtpServer, mailbox: Mailbox, code: int
) -> None:
    server.fail_next(code, message="Bitte später")

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send(server, make_message("Abgelehnt"))
    send(server, make_message("Angenommen"))

    assert refused.value.smtp_code == code
    assert [m.subject for m in mailbox.wait_for(1)] == ["Angenommen"]


def test_scripted_failure_applies_to_the_next_count_messages(server: SmtpServer, mailbox: Mailbox) -> None:
    server.fail_next(451, count=2)

    for _ in range(2):
        with pytest.raises(smtplib.SMTPDataError):
            send(server, make_message())
    send(server, make_message())

    assert len(mailbox.wait_for(1)) == 1


def test_scripted_421_also_closes_the_connection(server: SmtpServer, mailbox: Mailbox) -> None:
    server.fail_next(421)

    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.send_message(make_message())
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.noop()

    assert refused.value.smtp_code == 421
    assert mailbox.messages() == []


def test_fail_next_rejects_codes_that_are_not_errors(server: SmtpServer) -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        server.fail_next(250)


def test_dropped_connection_stores_message_but_client_sees_disconnect(
    server: SmtpServer, mailbox: Mailbox
) -> None:
    server.drop_next()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send(server, make_message("Verloren geglaubt"))

    assert [m.subject for m in mailbox.wait_for(1)] == ["Verloren geglaubt"]


def test_two_messages_over_one_connection_count_as_one_connection(
    server: SmtpServer, mailbox: Mailbox
) -> None:
    send(server, make_message("Eins"), make_message("Zwei"))

    assert len(mailbox.wait_for(2)) == 2
    assert server.connections == 1


def test_each_new_session_counts_as_a_connection(server: SmtpServer, mailbox: Mailbox) -> None:
    send(server, make_message("Eins"))
    send(server, make_message("Zwei"))

    mailbox.wait_for(2)
    assert server.connections == 2


def test_port_zero_binds_a_free_port_and_accepts_30_mb(server: SmtpServer) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.ehlo()
        advertised = int(client.esmtp_features["size"])

    assert server.port > 0
    assert advertised >= 30 * 1024 * 1024


def test_by_default_the_server_offers_neither_starttls_nor_auth(server: SmtpServer) -> None:
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.ehlo()

        assert not client.has_extn("starttls") and not client.has_extn("auth")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_server_with_a_login_takes_mail_only_after_auth_and_records_each_attempt(
    mailbox: Mailbox,
) -> None:
    with SmtpServer(mailbox, login=("ki", "geheim"), auth_require_tls=False) as server:
        with smtplib.SMTP(server.host, server.port, timeout=5) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.send_message(make_message("Ohne Anmeldung"))
            client.login("ki", "geheim")
            client.send_message(make_message("Angemeldet"))

        assert refused.value.smtp_code == 530
        assert [m.subject for m in mailbox.wait_for(1)] == ["Angemeldet"]
        assert server.logins == [Login("ki", encrypted=False, accepted=True)]


def test_require_starttls_without_a_tls_context_is_an_error(mailbox: Mailbox) -> None:
    with pytest.raises(ValueError, match="tls_context"):
        SmtpServer(mailbox, require_starttls=True)


def test_port_of_an_unstarted_free_port_server_is_an_error(mailbox: Mailbox) -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = SmtpServer(mailbox).port


def test_inbox_json_lists_messages_newest_first(server: SmtpServer, mailbox: Mailbox) -> None:
    send(server, make_message("Alt"), make_message(ARABIC_AND_GERMAN))
    mailbox.wait_for(2)

    listed = create_inbox_app(mailbox).test_client().get("/mail/api/messages").get_json()

    assert [item["subject"] for item in listed] == [ARABIC_AND_GERMAN, "Alt"]
    assert listed[0]["recipients"] == ["anna@example.org"]
    assert "Subject: =?utf-8?" in listed[0]["raw"]


def test_inbox_api_returns_one_message_and_404_for_unknown_ids(mailbox: Mailbox) -> None:
    stored = mailbox.add("a@example.org", ["b@example.org"], make_message("Einzeln").as_bytes())
    client = create_inbox_app(mailbox).test_client()

    assert client.get(f"/mail/api/messages/{stored.id}").get_json()["subject"] == "Einzeln"
    assert client.get("/mail/api/messages/999").status_code == 404
    assert client.get("/mail/999").status_code == 404


def test_inbox_delete_clears_all_messages(mailbox: Mailbox) -> None:
    mailbox.add("a@example.org", ["b@example.org"], make_message().as_bytes())
    client = create_inbox_app(mailbox).test_client()

    response = client.delete("/mail/api/messages")

    assert response.status_code == 204
    assert client.get("/mail/api/messages").get_json() == []


def test_inbox_page_is_german_accessible_and_escapes_the_subject(mailbox: Mailbox) -> None:
    mailbox.add("a@example.org", ["b@example.org"], make_message("<b>Fett</b> & مرحبا").as_bytes())

    page = create_inbox_app(mailbox).test_client().get("/mail/").get_data(as_text=True)

    assert '<html lang="de">' in page
    assert "Posteingang (Entwicklung)" in page
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; مرحبا" in page
    assert "<b>Fett</b>" not in page
    assert "<caption>" in page and '<th scope="col">' in page
    assert "<script" not in page


def test_message_page_shows_text_part_and_sandboxed_html_part(mailbox: Mailbox) -> None:
    message = make_message("Mit HTML")
    message.add_alternative('<p dir="rtl">مرحبا</p><script>alert("x")</script>', subtype="html")
    stored = mailbox.add("a@example.org", ["b@example.org"], message.as_bytes())

    page = create_inbox_app(mailbox).test_client().get(f"/mail/{stored.id}").get_data(as_text=True)

    assert '<pre dir="auto">Text zu Mit HTML' in page
    assert 'sandbox=""' in page
    assert 'srcdoc="&lt;p dir=&#34;rtl&#34;&gt;مرحبا&lt;/p&gt;&lt;script&gt;' in page
    assert "<script>" not in page


def test_raw_view_serves_the_original_message_as_text(mailbox: Mailbox) -> None:
    stored = mailbox.add("a@example.org", ["b@example.org"], make_message("Roh").as_bytes())

    response = create_inbox_app(mailbox).test_client().get(f"/mail/{stored.id}/raw")

    assert response.mimetype == "text/plain"
    assert "Subject: Roh" in response.get_data(as_text=True)


def test_directory_mailbox_reloads_messages_after_restart(tmp_path: Path) -> None:
    first = Mailbox(tmp_path)
    with SmtpServer(first) as server:
        send(server, make_message(ARABIC_AND_GERMAN))
        [original] = first.wait_for(1)

    reloaded = Mailbox(tmp_path)

    assert (tmp_path / f"{original.id}.eml").read_bytes() == original.raw
    assert reloaded.messages() == [original]
    assert reloaded.add("a@example.org", ["b@example.org"], b"Subject: Neu\r\n\r\n").id == 2


def test_directory_mailbox_forgets_cleared_messages_after_restart(tmp_path: Path) -> None:
    first = Mailbox(tmp_path)
    first.add("a@example.org", ["b@example.org"], make_message().as_bytes())

    first.clear()

    assert Mailbox(tmp_path).messages() == []


def test_hand_copied_eml_without_envelope_is_loaded_from_its_headers(tmp_path: Path) -> None:
    (tmp_path / "7.eml").write_bytes(make_message("Kopiert", to="Ben <ben@example.org>").as_bytes())

    [loaded] = Mailbox(tmp_path).messages()

    assert (loaded.id, loaded.subject) == (7, "Kopiert")
    assert (loaded.sender, loaded.recipients) == ("noreply@example.org", ("ben@example.org",))
