"""The iCalendar feed per topic, read back with the icalendar library as a calendar app would."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.support.tokens import TokenMaker

API = "/network/api/v1/ki-events"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def staff(tokens: TokenMaker) -> dict[str, str]:
    return tokens.headers("caseworker")


def event(network: FlaskClient, staff: dict[str, str], title: str, publish: bool = True, **more: Any) -> str:
    body = {
        "title": title,
        "starts_at": "2030-12-03T17:00:00",
        "ends_at": "2030-12-03T19:00:00",
        "place": "KI Köln, Raum 2.14",
        "topics": ["ki_events"],
        **more,
    }
    event_id = network.post(API, json=body, headers=staff).json["id"]
    if publish:
        assert network.post(f"{API}/{event_id}/publish", headers=staff).status_code == 200
    return event_id


def feed(network: FlaskClient, topic: str) -> tuple[Any, icalendar.Calendar]:
    response = network.get(f"{API}/feed/{topic}.ics")
    assert response.status_code == 200
    return response, icalendar.Calendar.from_ical(response.data)


def entries(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_is_a_calendar_with_berlin_times_a_timezone_and_stable_uids(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event_id = event(network, staff, "Fortbildung Antragstellung")

    response, calendar = feed(network, "ki_events")

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    [entry] = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"{event_id}@teilhabe"
    assert entry["SEQUENCE"] == 0 and str(entry["STATUS"]) == "CONFIRMED"
    assert entry["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert entry["DTEND"].params["TZID"] == "Europe/Berlin"
    assert entry.decoded("DTSTART") == datetime(2030, 12, 3, 17, 0, tzinfo=BERLIN)
    assert entry.decoded("DTEND") == datetime(2030, 12, 3, 19, 0, tzinfo=BERLIN)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(entry["LOCATION"]) == "KI Köln, Raum 2.14"


def test_updates_raise_the_sequence_and_a_cancellation_stays_in_the_feed_as_cancelled(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    moved = event(network, staff, "Netzwerktreffen")
    cancelled = event(network, staff, "Infoveranstaltung")
    network.patch(f"{API}/{moved}", json={"starts_at": "2030-12-03T16:00:00"}, headers=staff)
    network.post(f"{API}/{cancelled}/cancel", headers=staff)

    _, calendar = feed(network, "ki_events")

    found = entries(calendar)
    assert found["Netzwerktreffen"]["SEQUENCE"] == 1
    assert found["Netzwerktreffen"].decoded("DTSTART") == datetime(2030, 12, 3, 16, 0, tzinfo=BERLIN)
    assert str(found["Netzwerktreffen"]["UID"]) == f"{moved}@teilhabe"
    assert str(found["Infoveranstaltung"]["STATUS"]) == "CANCELLED"
    assert found["Infoveranstaltung"]["SEQUENCE"] == 1


def test_the_feed_holds_only_published_events_on_its_topic(
    network: FlaskClient, staff: dict[str, str]
) -> None:
    event(network, staff, "Entwurf", publish=False)
    event(network, staff, "Sprachkurs-Info", topics=["newsletter:language"])
    event(network, staff, "Für alle", topics=["ki_events", "newsletter:language"])

    _, ki = feed(network, "ki_events")
    _, language = feed(network, "newsletter:language")
    _, empty = feed(network, "funding_calls")

    assert set(entries(ki)) == {"Für alle"}
    assert set(entries(language)) == {"Sprachkurs-Info", "Für alle"}
    assert entries(empty) == {}


def test_an_online_event_carries_its_link(network: FlaskClient, staff: dict[str, str]) -> None:
    event(network, staff, "Online-Sprechstunde", place="", online_url="https://meet.example/ki")

    _, calendar = feed(network, "ki_events")

    entry = entries(calendar)["Online-Sprechstunde"]
    assert (
        str(entry["URL"]) == "https://meet.example/ki" and str(entry["LOCATION"]) == "https://meet.example/ki"
    )
