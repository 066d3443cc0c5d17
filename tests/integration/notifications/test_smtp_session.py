"""The SMTP session against a real aiosmtpd server: STARTTLS verifies the server's certificate (the
system's CAs, or SMTP_CA_FILE for a private CA), the login goes only over an encrypted connection
(or to a relay on this machine), and the emails of a run share one connection.

Whatever keeps the session from starting (an untrusted certificate, a wrong password, STARTTLS
missing on either side) is the server's problem, not a recipient's: the emails wait as pending,
their attempt given back, and nobody is suppressed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.notifications import delivery
from services.notifications.config import Settings
from services.notifications.mailer import SmtpSettings
from services.notifications.models import Email
from shared.mailbox import Login, Mailbox, SmtpServer
from tests.conftest import Apps
from tests.integration.notifications import helpers

ADDRESSES = ("kontakt@bruecken.example", "gut@verein.example", "info@nachbarn.example")
USER, PASSWORD = "ki-versand", "richtig-geheim"
THIS_MACHINE = ("127.0.0.1", "localhost")
# aiosmtpd warns about the servers here that take a login in the clear; that is what they are for.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


class PrivateCa:
    """A throwaway certificate authority, as an organisation runs for its own mail server."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Teilhabe Test-CA")])
        public = self._key.public_key()
        self._certificate = (
            _certificate(self._name, self._name, public)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(signs_certificates=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        self.bundle = directory / "ca.pem"
        self.bundle.write_bytes(self._certificate.public_bytes(serialization.Encoding.PEM))

    def server_context(self, *names: str) -> ssl.SSLContext:
        """A server's TLS context with a certificate this CA issued for ``names``."""
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = self._issue(key, names)
        stem = self.directory / "-".join(names)
        stem.with_suffix(".crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        stem.with_suffix(".key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(stem.with_suffix(".crt"), stem.with_suffix(".key"))
        return context

    def _issue(self, key: ec.EllipticCurvePrivateKey, names: tuple[str, ...]) -> x509.Certificate:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        issuer_key_id = self._certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        return (
            _certificate(subject, self._name, key.public_key())
            .add_extension(x509.SubjectAlternativeName([_general_name(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signs_certificates=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_key_id), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )


def _certificate(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )


def _key_usage(signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def address_of_this_machine() -> str | None:
    """An address of this machine that is not loopback, the way another host reaches it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # UDP: only picks the route, sends nothing
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCa:
    return PrivateCa(tmp_path_factory.mktemp("smtp-ca"))


@pytest.fixture(scope="session")
def tls(ca: PrivateCa) -> ssl.SSLContext:
    """The certificate of a mail server on this machine, issued by the private CA."""
    return ca.server_context(*THIS_MACHINE)


@pytest.fixture
def start_server() -> Iterator[Callable[..., SmtpServer]]:
    with ExitStack() as running:
        yield lambda **options: running.enter_context(SmtpServer(Mailbox(), **options))


@pytest.fixture
def secure_server(start_server: Callable[..., SmtpServer], tls: ssl.SSLContext) -> SmtpServer:
    """Like a submission port (587): STARTTLS first, then a login, then mail."""
    return start_server(tls_context=tls, require_starttls=True, login=(USER, PASSWORD))


def client(server: SmtpServer, **options: object) -> SmtpSettings:
    return SmtpSettings(host=server.host, port=server.port, timeout=5, **options)  # type: ignore[arg-type]


def secure_client(server: SmtpServer, ca: PrivateCa, password: str = PASSWORD) -> SmtpSettings:
    return client(server, starttls=True, ca_file=str(ca.bundle), username=USER, password=password)


def assert_waits_for_the_server(apps: Apps, report: delivery.DeliveryReport, server: SmtpServer) -> Email:
    """Deferred: pending with the attempt given back, nobody failed or suppressed, nothing arrived."""
    email = helpers.the_email(apps.notifications)
    assert (email.status, email.attempts, email.deferrals) == ("pending", 0, 1)
    assert (report.deferred, report.sent, report.failed, report.retrying) == (1, 0, 0, 0)
    assert helpers.suppressions(apps.notifications) == []
    assert server.mailbox.messages() == []
    return email


def test_mail_goes_out_over_starttls_with_login_when_configured(
    apps: Apps, secure_server: SmtpServer, ca: PrivateCa
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, secure_client(secure_server, ca))

    assert report.sent == 1 and helpers.the_email(apps.notifications).status == "sent"
    assert [m.recipients for m in secure_server.mailbox.wait_for(1)] == [(ADDRESSES[0],)]
    assert secure_server.logins == [Login(USER, encrypted=True, accepted=True)]


@pytest.mark.parametrize("certificate", ["issued by an unknown CA", "issued for another host"])
def test_a_server_whose_certificate_is_not_trusted_gets_neither_password_nor_mail(
    apps: Apps, start_server: Callable[..., SmtpServer], ca: PrivateCa, tls: ssl.SSLContext, certificate: str
) -> None:
    if certificate == "issued by an unknown CA":
        server = start_server(tls_context=tls, login=(USER, PASSWORD))
        smtp = client(server, starttls=True, username=USER, password=PASSWORD)  # system CAs only
    else:
        server = start_server(tls_context=ca.server_context("mail.ki.example"), login=(USER, PASSWORD))
        smtp = secure_client(server, ca)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, smtp)

    email = assert_waits_for_the_server(apps, report, server)
    assert "certificate verify failed" in email.last_error
    assert server.logins == []


def test_a_wrong_password_defers_the_email_and_suppresses_nobody(
    apps: Apps, secure_server: SmtpServer, ca: PrivateCa
) -> None:
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, secure_client(secure_server, ca, password="falsch"))

    email = assert_waits_for_the_server(apps, report, secure_server)
    assert email.last_error.startswith("server: ") and "535" in email.last_error
    # smtplib tries each mechanism offered (PLAIN, LOGIN); all over TLS, none taken
    assert set(secure_server.logins) == {Login(USER, encrypted=True, accepted=False)}


def test_a_server_that_requires_starttls_refuses_a_client_configured_without_it(
    apps: Apps, start_server: Callable[..., SmtpServer], tls: ssl.SSLContext
) -> None:
    server = start_server(tls_context=tls, require_starttls=True)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, client(server))

    assert "530" in assert_waits_for_the_server(apps, report, server).last_error


def test_no_password_is_sent_when_starttls_is_configured_but_the_server_offers_none(
    apps: Apps, start_server: Callable[..., SmtpServer]
) -> None:
    # This server would take the login in the clear; the client must not offer it.
    server = start_server(login=(USER, PASSWORD), auth_require_tls=False)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, client(server, starttls=True, username=USER, password=PASSWORD))

    assert "STARTTLS" in assert_waits_for_the_server(apps, report, server).last_error
    assert server.logins == []


def test_no_password_goes_unencrypted_to_a_server_on_another_host(
    apps: Apps, start_server: Callable[..., SmtpServer]
) -> None:
    address = address_of_this_machine()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    server = start_server(host=address, login=(USER, PASSWORD), auth_require_tls=False)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, client(server, username=USER, password=PASSWORD))

    assert "SMTP_STARTTLS" in assert_waits_for_the_server(apps, report, server).last_error
    assert (server.logins, server.connections) == ([], 0)


def test_a_relay_on_this_machine_may_take_the_login_without_starttls(
    apps: Apps, start_server: Callable[..., SmtpServer]
) -> None:
    server = start_server(login=(USER, PASSWORD), auth_require_tls=False)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, client(server, username=USER, password=PASSWORD))

    assert report.sent == 1 and len(server.mailbox.wait_for(1)) == 1
    assert server.logins == [Login(USER, encrypted=False, accepted=True)]


def test_emails_due_at_once_go_out_over_one_connection_with_one_login(
    apps: Apps, secure_server: SmtpServer, ca: PrivateCa
) -> None:
    helpers.plan_approval(apps.notifications, *ADDRESSES)

    report = helpers.send(apps.notifications, secure_client(secure_server, ca))

    assert report.sent == 3
    assert sorted(m.recipients[0] for m in secure_server.mailbox.wait_for(3)) == sorted(ADDRESSES)
    assert secure_server.connections == 1
    assert secure_server.logins == [Login(USER, encrypted=True, accepted=True)]


def test_after_a_dropped_connection_the_next_email_opens_a_new_encrypted_session(
    apps: Apps, secure_server: SmtpServer, ca: PrivateCa
) -> None:
    helpers.plan_approval(apps.notifications, *ADDRESSES)
    secure_server.drop_next()  # the first message's DATA: stored, then the connection is cut

    report = helpers.send(apps.notifications, secure_client(secure_server, ca))

    statuses = {e.recipient: e.status for e in helpers.emails(apps.notifications)}
    assert statuses == {ADDRESSES[0]: "pending", ADDRESSES[1]: "sent", ADDRESSES[2]: "sent"}
    assert (report.retrying, report.sent) == (1, 2)
    assert len(secure_server.mailbox.wait_for(3)) == 3
    assert secure_server.connections == 2
    assert secure_server.logins == [Login(USER, encrypted=True, accepted=True)] * 2


def test_smtp_ca_file_from_the_environment_lets_the_mailer_trust_a_private_ca(
    apps: Apps, secure_server: SmtpServer, ca: PrivateCa, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {
        "SMTP_HOST": secure_server.host,
        "SMTP_PORT": str(secure_server.port),
        "SMTP_STARTTLS": "true",
        "SMTP_USERNAME": USER,
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_CA_FILE": str(ca.bundle),
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    helpers.plan_approval(apps.notifications, ADDRESSES[0])

    report = helpers.send(apps.notifications, Settings.from_env().smtp)

    assert report.sent == 1 and len(secure_server.mailbox.wait_for(1)) == 1


def test_an_empty_smtp_ca_file_means_the_systems_cas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_CA_FILE", "")  # what docker compose passes for an unset ${SMTP_CA_FILE:-}

    assert Settings.from_env().smtp.ca_file is None
