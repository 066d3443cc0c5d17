"""Participants of KI events get their emails through every real part: place, waiting list, moving up."""

from __future__ import annotations

import pytest

from tests.conftest import Stack
from tests.support.tokens import TokenMaker

pytestmark = pytest.mark.integration

API = "/network/api/v1/ki-events"


def test_a_waiting_participant_is_emailed_when_a_cancelled_seat_becomes_theirs(
    stack: Stack, tokens: TokenMaker
) -> None:
    network, staff = stack.apps.client("network"), tokens.headers("caseworker")
    body = {
        "title": "Fortbildung Antragstellung",
        "starts_at": "2030-12-03T17:00:00",
        "ends_at": "2030-12-03T19:00:00",
        "place": "KI Köln, Raum 2.14",
        "capacity": 1,
    }
    event_id = network.post(API, json=body, headers=staff).json["id"]
    network.post(f"{API}/{event_id}/publish", headers=staff)
    seat = network.post(
        f"{API}/{event_id}/registrations", json={"name": "Ayşe", "email": "ayse@verein.example"}
    ).json
    network.post(
        f"{API}/{event_id}/registrations",
        json={"name": "John", "email": "john@verein.example", "language": "en"},
    )
    stack.mailbox.wait_for(2, timeout=20)

    network.delete(
        f"{API}/{event_id}/registrations/{seat['id']}", query_string={"token": seat["cancel_token"]}
    )

    messages = stack.mailbox.wait_for(4, timeout=20)
    by_subject = {(m.recipients, m.subject) for m in messages}
    assert by_subject == {
        (("ayse@verein.example",), "Ihr Platz: Fortbildung Antragstellung"),
        (("john@verein.example",), "Waiting list: Fortbildung Antragstellung"),
        (("ayse@verein.example",), "Abmeldung bestätigt: Fortbildung Antragstellung"),
        (("john@verein.example",), "Your place: Fortbildung Antragstellung"),
    }
    moved_up = next(m for m in messages if m.subject.startswith("Your place")).parsed()
    text = moved_up.get_body(("plain",)).get_content()
    assert "a place has become free" in text and "03.12.2030, 17:00" in text
    assert "/network/ki-events/" in text and "/cancel?token=" in text
