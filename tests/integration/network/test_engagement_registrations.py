"""Registering for KI events without an account: seats, the waiting list, cancellation, races."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.network.models import OutboxMessage
from tests.conftest import Apps
from tests.support import builders
from tests.support.tokens import TokenMaker

API = "/network/api/v1/ki-events"
EVENT = {
    "title": "Netzwerktreffen Mülheim",
    "starts_at": "2030-03-10T18:00:00",
    "ends_at": "2030-03-10T20:00:00",
    "place": "Bürgerhaus Mülheim",
    "topics": ["ki_events"],
}


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def staff(tokens: TokenMaker) -> dict[str, str]:
    return tokens.headers("caseworker")


def event_with(network: FlaskClient, staff: dict[str, str], capacity: int | None) -> str:
    created = network.post(API, json={**EVENT, "capacity": capacity}, headers=staff)
    assert created.status_code == 201, created.json
    assert network.post(f"{API}/{created.json['id']}/publish", headers=staff).status_code == 200
    return created.json["id"]


def register(network: FlaskClient, event_id: str, n: int) -> dict[str, Any]:
    person = {"name": f"Teilnehmerin {n}", "email": f"person{n}@verein.example", "language": "de"}
    response = network.post(f"{API}/{event_id}/registrations", json=person)
    assert response.status_code == 201, response.json
    return response.json


def statuses(network: FlaskClient, staff: dict[str, str], event_id: str) -> dict[str, tuple[str, int | None]]:
    listed = network.get(f"{API}/{event_id}/registrations", headers=staff).json
    return {r["email"]: (r["status"], r["position"]) for r in listed}


def test_seats_are_confirmed_until_full_then_people_wait_in_order(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=2)

    answers = [register(network, event_id, n) for n in range(4)]

    assert [(a["status"], a["position"]) for a in answers] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    assert all(a["cancel_token"] for a in answers)


def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=2)
    first, _second, waiting, last = (register(network, event_id, n) for n in range(4))

    response = network.delete(
        f"{API}/{event_id}/registrations/{first['id']}", query_string={"token": first["cancel_token"]}
    )

    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert statuses(network, staff, event_id) == {
        "person0@verein.example": ("cancelled", None),
        "person1@verein.example": ("confirmed", None),
        "person2@verein.example": ("confirmed", None),
        "person3@verein.example": ("waitlisted", 1),
    }
    assert (waiting["status"], last["position"]) == ("waitlisted", 2)


def test_leaving_the_waiting_list_moves_the_people_behind_up(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=1)
    _seat, waiting, behind = (register(network, event_id, n) for n in range(3))

    network.delete(
        f"{API}/{event_id}/registrations/{waiting['id']}", query_string={"token": waiting["cancel_token"]}
    )

    assert statuses(network, staff, event_id)["person2@verein.example"] == ("waitlisted", 1)
    assert behind["position"] == 2


def test_more_capacity_confirms_people_from_the_waiting_list(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=1)
    for n in range(3):
        register(network, event_id, n)

    network.patch(f"{API}/{event_id}", json={"capacity": 2}, headers=staff)

    assert [s for s, _ in statuses(network, staff, event_id).values()] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_a_forged_or_foreign_cancel_token_cancels_nothing(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=5)
    mine, other = register(network, event_id, 1), register(network, event_id, 2)

    forged = network.delete(f"{API}/{event_id}/registrations/{mine['id']}", query_string={"token": "x.y.z"})
    foreign = network.delete(
        f"{API}/{event_id}/registrations/{mine['id']}", query_string={"token": other["cancel_token"]}
    )
    missing = network.delete(f"{API}/{event_id}/registrations/{mine['id']}")

    assert forged.status_code == foreign.status_code == missing.status_code == 403
    assert statuses(network, staff, event_id)["person1@verein.example"] == ("confirmed", None)


def test_staff_may_cancel_a_registration_without_a_token(network: FlaskClient, staff: dict[str, str]) -> None:
    event_id = event_with(network, staff, capacity=5)
    registration = register(network, event_id, 1)

    response = network.delete(f"{API}/{event_id}/registrations/{registration['id']}", headers=staff)

    assert response.status_code == 200 and response.json["status"] == "cancelled"


def test_the_same_address_cannot_take_two_places(network: FlaskClient, staff: dict[str, str]) -> None:
    event_id = event_with(network, staff, capacity=5)
    register(network, event_id, 1)

    again = network.post(
        f"{API}/{event_id}/registrations", json={"name": "Nochmal", "email": "PERSON1@verein.example"}
    )

    assert again.status_code == 409 and "email" in again.json["errors"]


def test_drafts_and_cancelled_events_take_no_registrations(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    draft = network.post(API, json=EVENT, headers=staff).json["id"]
    cancelled = event_with(network, staff, capacity=5)
    network.post(f"{API}/{cancelled}/cancel", headers=staff)
    person = {"name": "Jemand", "email": "jemand@verein.example"}

    assert network.post(f"{API}/{draft}/registrations", json=person).status_code == 404
    assert network.post(f"{API}/{cancelled}/registrations", json=person).status_code == 409


def test_another_organisations_applicant_sees_no_participants(
    apps: Apps, network: FlaskClient, staff: dict[str, str], tokens: TokenMaker
) -> None:
    other = builders.verified_organisation(apps.network, "Anderer Verein", "info@anderer.example")
    event_id = event_with(network, staff, capacity=5)
    register(network, event_id, 1)

    response = network.get(
        f"{API}/{event_id}/registrations", headers=tokens.headers("applicant", orgs=(other.id,))
    )

    assert response.status_code == 403 and "person1" not in response.get_data(as_text=True)


CAPACITY, RACERS = 3, 10


def test_concurrent_registrations_never_overbook_the_event(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=CAPACITY)
    barrier = threading.Barrier(RACERS)
    answers: dict[int, tuple[int, dict[str, Any]]] = {}

    def race(n: int) -> None:
        client = apps.network.test_client()
        barrier.wait(timeout=30)
        person = {"name": f"P{n}", "email": f"racer{n}@verein.example"}
        response = client.post(f"{API}/{event_id}/registrations", json=person)
        answers[n] = (response.status_code, response.json)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert [status for status, _ in answers.values()] == [201] * RACERS, answers
    seats = sorted(body["status"] for _, body in answers.values())
    assert seats == ["confirmed"] * CAPACITY + ["waitlisted"] * (RACERS - CAPACITY)
    positions = sorted(body["position"] for _, body in answers.values() if body["position"])
    assert positions == list(range(1, RACERS - CAPACITY + 1))
    stored = [status for status, _ in statuses(network, staff, event_id).values()]
    assert stored.count("confirmed") == CAPACITY


def told(apps: Apps) -> list[tuple[str, str, str, int | None]]:
    """(email, reason, status, position) of every participant message network sent, oldest first."""
    with builders.session_factory(apps.network)() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event_type == "network.event.registration_changed")
            .order_by(OutboxMessage.id)
        )
        return [
            (d["email"], d["reason"], d["status"], d["position"]) for d in (r.envelope["data"] for r in rows)
        ]


def test_participants_hear_about_their_place_moving_up_and_the_events_changes(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=1)
    seat, waiting = register(network, event_id, 1), register(network, event_id, 2)
    network.delete(
        f"{API}/{event_id}/registrations/{seat['id']}", query_string={"token": seat["cancel_token"]}
    )
    network.patch(f"{API}/{event_id}", json={"place": "Rathaus Mülheim"}, headers=staff)
    network.post(f"{API}/{event_id}/cancel", headers=staff)

    assert told(apps) == [
        ("person1@verein.example", "registered", "confirmed", None),
        ("person2@verein.example", "registered", "waitlisted", 1),
        ("person1@verein.example", "cancelled", "cancelled", None),
        ("person2@verein.example", "moved_up", "confirmed", None),
        ("person2@verein.example", "event_updated", "confirmed", None),
        ("person2@verein.example", "event_cancelled", "confirmed", None),
    ]
    assert waiting["status"] == "waitlisted"


def test_the_cancel_link_from_the_email_opens_a_page_that_gives_the_place_back(
    apps: Apps, network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event_with(network, staff, capacity=1)
    register(network, event_id, 1)
    register(network, event_id, 2)
    with builders.session_factory(apps.network)() as session:
        first = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.event_type == "network.event.registration_changed")
            .order_by(OutboxMessage.id)
        ).first().envelope["data"]
    url = urlsplit(first["cancel_url"])
    token = parse_qs(url.query)["token"][0]

    asked = network.get(url.path, query_string={"token": token})
    done = network.post(url.path, data={"token": token})
    forged = network.post(url.path, data={"token": token[:-2] + "xx"})

    assert asked.status_code == 200 and "Ja, Anmeldung stornieren" in asked.get_data(as_text=True)
    assert '<html lang="de"' in asked.get_data(as_text=True) and "<script" not in asked.get_data(as_text=True)
    assert done.status_code == 200 and "ist storniert" in done.get_data(as_text=True)
    assert forged.status_code == 400
    assert [s for s, _ in statuses(network, staff, event_id).values()] == ["cancelled", "confirmed"]
