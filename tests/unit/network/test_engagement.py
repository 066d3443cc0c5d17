"""Engagement rules without a database: topics, signed links, seats, calendar, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import icalendar
import pytest

from services.network.domain import gdpr, ki_events, subscriptions
from shared.errors import Conflict, Invalid
from shared.signing import BadToken, sign, unsign


@pytest.mark.parametrize("topic", ["ki_events", "funding_calls", "newsletter:language"])
def test_known_topics_are_accepted(topic: str) -> None:
    subscriptions.check_topics([topic], {"language", "parents"})


@pytest.mark.parametrize("topic", ["newsletter:", "newsletter:astrology", "weather", "ki-events"])
def test_unknown_topics_are_refused_by_name(topic: str) -> None:
    with pytest.raises(Invalid) as refused:
        subscriptions.check_topics([topic], {"language"})
    assert refused.value.errors == {"topics": [f"unknown topic: {topic}"]}


def test_any_newsletter_is_accepted_while_there_are_no_fields_of_work() -> None:
    subscriptions.check_topics(["newsletter:anything"], set())


def test_districts_are_free_text_until_the_taxonomy_has_terms() -> None:
    subscriptions.check_districts(["Köln-Kalk"], set())
    with pytest.raises(Invalid):
        subscriptions.check_districts(["Köln-Kalk"], {"Köln-Mülheim"})


def test_choices_are_trimmed_deduplicated_and_ordered() -> None:
    assert subscriptions.normalise([" ki_events", "funding_calls", "ki_events", " "]) == [
        "funding_calls",
        "ki_events",
    ]


def test_removing_every_topic_is_unsubscribing_from_everything() -> None:
    assert subscriptions.change_of(["a", "b"], []) == subscriptions.Change(["a", "b"], True)
    assert subscriptions.change_of(["a", "b"], ["b", "c"]) == subscriptions.Change(["a"], False)


def test_a_signed_token_round_trips_only_for_its_purpose() -> None:
    token = sign("secret", "preferences", {"c": "42"})

    assert unsign("secret", "preferences", token, 60) == {"c": "42"}
    with pytest.raises(BadToken):
        unsign("secret", "confirm", token, 60)
    with pytest.raises(BadToken):
        unsign("other-secret", "preferences", token, 60)
    with pytest.raises(BadToken):
        unsign("secret", "preferences", token[:-2] + "xx", 60)


def test_an_old_token_is_refused_as_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    import itsdangerous

    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda _self: 1_000_000_000)
    token = sign("secret", "preferences", {"c": "42"})
    monkeypatch.undo()

    with pytest.raises(BadToken) as refused:
        unsign("secret", "preferences", token, 3600)
    assert refused.value.expired


def test_the_signing_secret_must_be_set_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.config import ConfigError
    from shared.signing import signing_secret

    monkeypatch.delenv("NETWORK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("TEILHABE_ENV", "production")
    with pytest.raises(ConfigError):
        signing_secret("NETWORK_SIGNING_SECRET")
    monkeypatch.setenv("NETWORK_SIGNING_SECRET", "s3cret")
    assert signing_secret("NETWORK_SIGNING_SECRET") == "s3cret"


def test_a_time_without_offset_is_berlin_wall_clock_time() -> None:
    assert ki_events.in_berlin(datetime(2030, 7, 1, 10)).utcoffset().total_seconds() == 7200
    assert ki_events.in_berlin(datetime(2030, 12, 1, 9, tzinfo=UTC)).hour == 10


def test_an_event_needs_an_end_after_its_start_and_a_place_or_a_link() -> None:
    start = datetime(2030, 1, 1, 10, tzinfo=UTC)
    with pytest.raises(Invalid) as refused:
        ki_events.check_details(start, start, " ", "")
    assert set(refused.value.errors) == {"ends_at", "place"}
    ki_events.check_details(start, start.replace(hour=11), "", "https://meet.example")


@pytest.mark.parametrize(
    ("capacity", "confirmed", "seat"), [(2, 1, "confirmed"), (2, 2, "waitlisted"), (None, 99, "confirmed")]
)
def test_a_seat_while_one_is_left_else_the_waiting_list(
    capacity: int | None, confirmed: int, seat: str
) -> None:
    assert ki_events.seat_status(capacity, confirmed) == seat


@pytest.mark.parametrize(
    ("check", "status"),
    [
        (ki_events.check_can_publish, "published"),
        (ki_events.check_can_cancel, "draft"),
        (ki_events.check_can_change, "cancelled"),
    ],
)
def test_impossible_status_changes_are_conflicts(check, status: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict):
        check(status)


def test_the_calendar_marks_cancelled_events_and_refers_to_one_berlin_timezone() -> None:
    when = datetime(2030, 12, 3, 16, tzinfo=UTC)
    event = SimpleNamespace(
        id="e1", title="Treffen", description="", starts_at=when, ends_at=when.replace(hour=18),
        place="KI", online_url="", status="cancelled", sequence=3, updated_at=when,
    )  # fmt: skip

    calendar = icalendar.Calendar.from_ical(ki_events.calendar([event], "KI", when))

    [entry] = calendar.walk("VEVENT")
    assert (str(entry["UID"]), entry["SEQUENCE"], str(entry["STATUS"])) == ("e1@teilhabe", 3, "CANCELLED")
    assert entry["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_erasure_is_refused_with_one_reason_per_held_record() -> None:
    with pytest.raises(gdpr.RetentionHold) as refused:
        gdpr.check_erasable(
            False,
            [gdpr.SoleContact("Brückenbau e.V.")],
            [gdpr.UpcomingSeat("Fortbildung", datetime(2030, 3, 10, 17, tzinfo=UTC))],
        )
    reasons = refused.value.errors["retention"]
    assert len(reasons) == 2 and refused.value.status == 409
    assert "Brückenbau e.V." in reasons[0] and "10.03.2030" in reasons[1]


def test_an_erased_person_gets_an_undeliverable_unique_placeholder() -> None:
    assert gdpr.placeholder_email("abc") == "erased-abc@invalid"
    with pytest.raises(Conflict):
        gdpr.check_erasable(True, [], [])


def test_a_pending_request_is_not_mailed_again_within_ten_minutes() -> None:
    sent = datetime(2030, 1, 1, 10, tzinfo=UTC)
    assert subscriptions.recently_requested(True, sent, sent + timedelta(minutes=9))
    assert not subscriptions.recently_requested(True, sent, sent + timedelta(minutes=11))
    assert not subscriptions.recently_requested(False, sent, sent + timedelta(minutes=1))
