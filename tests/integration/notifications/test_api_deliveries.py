"""The delivery log: KI staff see which email went where for which event; nobody else does."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from services.notifications.models import Email
from shared.db import transaction
from tests.conftest import Apps
from tests.support import builders
from tests.support.tokens import TokenMaker

DELIVERIES = "/notifications/api/v1/deliveries"


@pytest.fixture
def notifications(apps: Apps) -> FlaskClient:
    return apps.client("notifications")


def logged_email(apps: Apps, event_id: str, recipient: str) -> None:
    with transaction(builders.session_factory(apps.notifications)) as session:
        session.add(
            Email(
                event_id=event_id,
                event_type="funding.application.approved",
                recipient=recipient,
                recipient_name="Ayşe Yılmaz",
                language="de",
                subject="Ihr Förderantrag wurde bewilligt",
                body_text="…",
                body_html="<p>…</p>",
                message_id=f"<{uuid.uuid4()}@teilhabe.test>",
                status="sent",
            )
        )


def test_an_applicant_may_not_read_the_delivery_log(notifications: FlaskClient, tokens: TokenMaker) -> None:
    response = notifications.get(DELIVERIES, headers=tokens.headers("applicant", orgs=(str(uuid.uuid4()),)))

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_the_delivery_log_without_a_token_is_unauthorized(notifications: FlaskClient) -> None:
    response = notifications.get(DELIVERIES)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_read_the_delivery_log_and_filter_it_by_event(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker, role: str
) -> None:
    wanted, other = str(uuid.uuid4()), str(uuid.uuid4())
    logged_email(apps, wanted, "kontakt@bruecken.example")
    logged_email(apps, other, "info@anderer.example")
    staff = tokens.headers(role)

    everything = notifications.get(DELIVERIES, headers=staff)
    filtered = notifications.get(DELIVERIES, query_string={"event_id": wanted}, headers=staff)

    assert everything.status_code == 200
    assert sorted(d["recipient"] for d in everything.json) == [
        "info@anderer.example",
        "kontakt@bruecken.example",
    ]
    assert [(d["event_id"], d["recipient"], d["status"]) for d in filtered.json] == [
        (wanted, "kontakt@bruecken.example", "sent")
    ]


def test_an_event_id_that_is_not_a_uuid_is_rejected_naming_it(
    notifications: FlaskClient, tokens: TokenMaker
) -> None:
    response = notifications.get(
        DELIVERIES, query_string={"event_id": "42"}, headers=tokens.headers("caseworker")
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "event_id" in response.json["errors"]


def test_staff_read_what_went_to_one_address_whatever_its_case(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    for _ in range(2):
        logged_email(apps, str(uuid.uuid4()), "kontakt@bruecken.example")
    logged_email(apps, str(uuid.uuid4()), "info@anderer.example")

    response = notifications.get(
        DELIVERIES,
        query_string={"recipient": "Kontakt@Bruecken.example"},
        headers=tokens.headers("caseworker"),
    )

    assert response.status_code == 200
    assert [d["recipient"] for d in response.json] == ["kontakt@bruecken.example"] * 2
    assert response.headers["X-Total-Count"] == "2"


def test_the_delivery_log_comes_in_pages_newest_first_with_the_total(
    apps: Apps, notifications: FlaskClient, tokens: TokenMaker
) -> None:
    events = [str(uuid.uuid4()) for _ in range(5)]
    for event_id in events:
        logged_email(apps, event_id, "kontakt@bruecken.example")
    staff = tokens.headers("caseworker")

    pages = [
        notifications.get(DELIVERIES, query_string={"per_page": 2, "page": page}, headers=staff)
        for page in (1, 2, 3)
    ]

    assert [[d["event_id"] for d in page.json] for page in pages] == [
        events[4:2:-1],
        events[2:0:-1],
        events[:1],
    ]
    assert {page.headers["X-Total-Count"] for page in pages} == {"5"}


@pytest.mark.parametrize("field, value", [("per_page", "101"), ("page", "0"), ("recipient", "kein-at")])
def test_a_bad_page_or_address_is_rejected_naming_the_field(
    notifications: FlaskClient, tokens: TokenMaker, field: str, value: str
) -> None:
    response = notifications.get(
        DELIVERIES, query_string={field: value}, headers=tokens.headers("caseworker")
    )

    assert response.status_code == 422
    assert field in response.json["errors"]
