"""KI events: staff plan, publish, change and cancel them; times in Europe/Berlin; drafts stay hidden."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.support import builders
from tests.support.tokens import TokenMaker

API = "/network/api/v1/ki-events"
EVENT = {
    "title": "Fortbildung: Förderanträge leicht gemacht",
    "description": "Wie ein Antrag gelingt – mit Beispielen.",
    "starts_at": "2030-12-03T17:00:00",  # Berlin wall-clock time (winter: UTC+1)
    "ends_at": "2030-12-03T19:00:00+01:00",
    "place": "KI Köln, Raum 2.14",
    "languages": ["de", "tr"],
    "capacity": 20,
    "topics": ["ki_events"],
    "districts": ["Köln-Mülheim"],
}


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def staff(tokens: TokenMaker) -> dict[str, str]:
    return tokens.headers("caseworker")


def create(network: FlaskClient, staff: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = network.post(API, json={**EVENT, **overrides}, headers=staff)
    assert response.status_code == 201, response.json
    return response.json


def published(network: FlaskClient, staff: dict[str, str], **overrides: Any) -> dict[str, Any]:
    event = create(network, staff, **overrides)
    response = network.post(f"{API}/{event['id']}/publish", headers=staff)
    assert response.status_code == 200, response.json
    return response.json


def test_staff_create_a_draft_with_times_shown_in_berlin(network: FlaskClient, staff: dict[str, str]) -> None:
    event = create(network, staff)

    assert event["status"] == "draft" and event["sequence"] == 0
    assert event["starts_at"] == "2030-12-03T17:00:00+01:00"
    assert event["ends_at"] == "2030-12-03T19:00:00+01:00"
    assert event["uid"] == f"{event['id']}@teilhabe"


def test_a_summer_time_is_shown_with_the_summer_offset(network: FlaskClient, staff: dict[str, str]) -> None:
    event = create(network, staff, starts_at="2030-07-01T08:00:00Z", ends_at="2030-07-01T10:00:00Z")

    assert event["starts_at"] == "2030-07-01T10:00:00+02:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2030-12-03T16:00:00+01:00"}, "ends_at"),
        ({"ends_at": "2030-12-03T17:00:00+01:00"}, "ends_at"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "kein link"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"title": ""}, "title"),
        ({"starts_at": "morgen"}, "starts_at"),
        ({"topics": ["wetter"]}, "topics"),
    ],
)
def test_an_invalid_event_is_refused_naming_the_field(
    network: FlaskClient, staff: dict[str, str], change: dict[str, Any], field: str
) -> None:
    response = network.post(API, json={**EVENT, **change}, headers=staff)

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_an_online_event_needs_no_place(network: FlaskClient, staff: dict[str, str]) -> None:
    event = create(network, staff, place="", online_url="https://meet.example/ki")

    assert event["online_url"] == "https://meet.example/ki"


def test_drafts_are_hidden_from_the_public_and_published_events_are_shown(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    draft = create(network, staff, title="Entwurf")
    shown = published(network, staff, title="Netzwerktreffen")

    assert network.get(f"{API}/{draft['id']}").status_code == 404
    assert [e["title"] for e in network.get(API).json] == ["Netzwerktreffen"]
    assert network.get(f"{API}/{shown['id']}").json["status"] == "published"
    assert {e["title"] for e in network.get(API, headers=staff).json} == {"Entwurf", "Netzwerktreffen"}


def test_each_change_to_a_published_event_and_its_cancellation_raise_the_sequence(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event = published(network, staff)

    first = network.patch(f"{API}/{event['id']}", json={"place": "KI Köln, Raum 3.01"}, headers=staff)
    second = network.patch(f"{API}/{event['id']}", json={"ends_at": "2030-12-03T20:00:00"}, headers=staff)
    cancelled = network.post(f"{API}/{event['id']}/cancel", headers=staff)

    assert event["sequence"] == 0
    assert (first.json["sequence"], second.json["sequence"]) == (1, 2)
    assert second.json["ends_at"] == "2030-12-03T20:00:00+01:00"
    assert cancelled.status_code == 200
    assert (cancelled.json["status"], cancelled.json["sequence"]) == ("cancelled", 3)


def test_changing_a_draft_keeps_its_sequence(network: FlaskClient, staff: dict[str, str]) -> None:
    event = create(network, staff)

    changed = network.patch(f"{API}/{event['id']}", json={"title": "Neuer Titel"}, headers=staff)

    assert changed.status_code == 200
    assert (changed.json["title"], changed.json["sequence"]) == ("Neuer Titel", 0)


def test_a_change_that_puts_the_end_before_the_start_is_refused(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event = published(network, staff)

    response = network.patch(f"{API}/{event['id']}", json={"starts_at": "2030-12-04T10:00:00"}, headers=staff)

    assert response.status_code == 422 and "ends_at" in response.json["errors"]
    assert network.get(f"{API}/{event['id']}").json["sequence"] == 0


@pytest.mark.parametrize(
    ("action", "status"),
    [("publish", "published"), ("cancel", "draft")],
    ids=["publish-twice", "cancel-draft"],
)
def test_an_impossible_status_change_is_a_conflict(
    network: FlaskClient, staff: dict[str, str], action: str, status: str
) -> None:
    event = published(network, staff) if status == "published" else create(network, staff)

    response = network.post(f"{API}/{event['id']}/{action}", headers=staff)

    assert response.status_code == 409 and "status" in response.json["errors"]


def test_a_cancelled_event_cannot_be_changed(network: FlaskClient, staff: dict[str, str]) -> None:
    event = published(network, staff)
    network.post(f"{API}/{event['id']}/cancel", headers=staff)

    response = network.patch(f"{API}/{event['id']}", json={"title": "Doch nicht"}, headers=staff)

    assert response.status_code == 409


@pytest.mark.parametrize("who", ["applicant-of-another-organisation", "anonymous"])
def test_only_staff_create_change_publish_and_cancel_events(
    apps: Apps, network: FlaskClient, staff: dict[str, str], tokens: TokenMaker, who: str
) -> None:
    other = builders.verified_organisation(apps.network, "Anderer Verein", "info@anderer.example")
    headers = tokens.headers("applicant", orgs=(other.id,)) if who != "anonymous" else {}
    draft, live = create(network, staff), published(network, staff)
    expected = 403 if headers else 401

    answers = [
        network.post(API, json=EVENT, headers=headers),
        network.patch(f"{API}/{live['id']}", json={"title": "x"}, headers=headers),
        network.post(f"{API}/{draft['id']}/publish", headers=headers),
        network.post(f"{API}/{live['id']}/cancel", headers=headers),
        network.get(f"{API}/{live['id']}/registrations", headers=headers),
    ]

    assert [a.status_code for a in answers] == [expected] * 5
    assert network.get(f"{API}/{draft['id']}", headers=headers).status_code == 404
    assert network.get(f"{API}/{live['id']}", headers=headers).json["title"] == EVENT["title"]


def test_an_unknown_event_is_not_found(network: FlaskClient, staff: dict[str, str]) -> None:
    assert network.get(f"{API}/no-such-event").status_code == 404
    assert network.post(f"{API}/no-such-event/publish", headers=staff).status_code == 404


def test_saving_a_published_event_unchanged_keeps_its_sequence(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event = published(network, staff)

    same = network.patch(
        f"{API}/{event['id']}", json={"title": EVENT["title"], "capacity": 20}, headers=staff
    )

    assert same.status_code == 200 and same.json["sequence"] == 0
