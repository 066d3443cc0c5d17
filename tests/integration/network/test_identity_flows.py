"""Identity through every real part: ended sessions reach funding; reset emails reach the inbox."""

from __future__ import annotations

import re

import jwt
import pytest

from services.funding.models import RevokedSessions
from tests.conftest import Stack
from tests.integration.network.identity_helpers import AUTH, USERS, admin, bearer, sign_in
from tests.support import builders
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

EMAIL = "antrag@bruecken.example"
APPLICATIONS = "/funding/api/v1/applications"


def link_token(text: str) -> str:
    match = re.search(r"/network/password-reset\?token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def body_of(message, subtype: str) -> str:  # type: ignore[no-untyped-def]
    return message.parsed().get_body(preferencelist=(subtype,)).get_content()


def test_logout_ends_the_session_at_funding_once_the_event_is_handled(stack: Stack) -> None:
    builders.user(stack.apps.network, EMAIL, ["applicant"])
    network, funding = stack.apps.client("network"), stack.apps.client("funding")
    access_token = sign_in(network, EMAIL).json["access_token"]
    session = bearer(access_token)
    assert funding.get(APPLICATIONS, headers=session).status_code == 200

    assert network.post(f"{AUTH}/logout", headers=session).status_code == 204

    refused = wait_until(
        lambda: (r := funding.get(APPLICATIONS, headers=session)).status_code == 401 and r,
        what="funding to refuse the logged-out session",
    )
    assert refused.json["detail"] == "session ended"
    session_id = jwt.decode(access_token, options={"verify_signature": False})["sid"]
    with builders.session_factory(stack.apps.funding)() as db:
        assert db.get(RevokedSessions, session_id) is not None
    fresh = bearer(sign_in(network, EMAIL).json["access_token"])
    assert funding.get(APPLICATIONS, headers=fresh).status_code == 200


def test_a_reset_email_arrives_and_its_link_sets_the_password_once(stack: Stack) -> None:
    builders.user(stack.apps.network, EMAIL, ["applicant"])
    network = stack.apps.client("network")

    assert network.post(f"{AUTH}/password-reset", json={"email": EMAIL}).status_code == 202

    [message] = stack.mailbox.wait_for(1, timeout=30)
    assert message.recipients == (EMAIL,)
    assert message.subject == "Neues Passwort für Ihr Konto"
    token = link_token(body_of(message, "plain"))
    assert link_token(body_of(message, "html")) == token
    confirm = {"token": token, "new_password": "ein-ganz-neues-passwort"}
    assert network.post(f"{AUTH}/password-reset/confirm", json=confirm).status_code == 204
    assert network.post(f"{AUTH}/password-reset/confirm", json=confirm).status_code == 422
    assert sign_in(network, EMAIL, "ein-ganz-neues-passwort").status_code == 200


def test_an_invited_user_gets_the_invitation_in_their_language_right_to_left_for_arabic(stack: Stack) -> None:
    network = stack.apps.client("network")
    _, headers = admin(stack.apps.network, network)
    body = {"email": "neu@verein.example", "roles": ["applicant"], "language": "ar"}

    assert network.post(USERS, json=body, headers=headers).status_code == 201

    [message] = stack.mailbox.wait_for(1, timeout=30)
    html = body_of(message, "html")
    assert 'lang="ar" dir="rtl"' in html
    assert message.subject == "مرحبًا! تم إنشاء حسابك"
    confirm = {"token": link_token(html), "new_password": "mein-eigenes-passwort"}
    assert network.post(f"{AUTH}/password-reset/confirm", json=confirm).status_code == 204
