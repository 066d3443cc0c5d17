"""The routing table and the rules around it: who hears about what, under which consent rule,
which SMTP answers mean "this mailbox does not exist", one-click links, digest periods."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.notifications import domain
from services.notifications.domain import (
    ADMINISTRATIVE,
    CASEWORKERS,
    NEWSLETTER,
    ORGANISATION_CONTACTS,
    SUBMITTING_USER,
    TOPIC_SUBSCRIBERS,
)
from shared.events import SUBSCRIPTIONS


@pytest.mark.parametrize(
    "verb", ["submitted", "review_started", "changes_requested", "approved", "rejected", "withdrawn"]
)
def test_application_events_go_to_the_organisations_contacts_and_the_submitter_as_administrative(
    verb: str,
) -> None:
    route = domain.route_of(f"funding.application.{verb}")

    assert route.audiences == (ORGANISATION_CONTACTS, SUBMITTING_USER)
    assert route.purpose == ADMINISTRATIVE


def test_a_submission_is_also_announced_to_the_caseworkers() -> None:
    assert domain.route_of("funding.application.submitted/staff") == domain.Route(
        (CASEWORKERS,), ADMINISTRATIVE
    )


def test_a_call_goes_to_funding_call_subscribers_and_needs_consent() -> None:
    assert domain.route_of("funding.call.published") == domain.Route(
        (TOPIC_SUBSCRIBERS,), NEWSLETTER, topic="funding_calls"
    )


@pytest.mark.parametrize("verb", ["published", "updated", "cancelled"])
def test_ki_events_go_to_ki_event_subscribers_and_need_consent(verb: str) -> None:
    assert domain.route_of(f"network.event.{verb}") == domain.Route(
        (TOPIC_SUBSCRIBERS,), NEWSLETTER, topic="ki_events"
    )


@pytest.mark.parametrize(
    "event_type",
    [
        "funding.payout.approved",
        "funding.payout.rejected",
        "funding.report.due",
        "funding.report.overdue",
        "funding.report.changes_requested",
        "funding.report.accepted",
    ],
)
def test_payout_and_report_news_goes_to_the_organisations_contacts_as_administrative(event_type: str) -> None:
    assert domain.route_of(event_type) == domain.Route((ORGANISATION_CONTACTS,), ADMINISTRATIVE)


@pytest.mark.parametrize("event_type", ["funding.application.resubmitted", "funding.report.submitted"])
def test_what_the_organisation_did_itself_is_announced_only_to_the_caseworkers(event_type: str) -> None:
    assert domain.route_of(event_type) == domain.Route((CASEWORKERS,), ADMINISTRATIVE)


def test_a_payout_request_is_announced_to_the_approvers_who_decide_it() -> None:
    assert domain.route_of("funding.payout.requested") == domain.Route((domain.APPROVERS,), ADMINISTRATIVE)


def test_a_recommendation_is_an_internal_step_and_reaches_nobody() -> None:
    assert "funding.application.recommended" not in domain.ROUTES
    assert "notifications" not in SUBSCRIPTIONS.get("funding.application.recommended", ())


def test_every_route_uses_a_known_purpose_and_audience() -> None:
    audiences = {ORGANISATION_CONTACTS, SUBMITTING_USER, CASEWORKERS, domain.APPROVERS, TOPIC_SUBSCRIBERS}
    for route in domain.ROUTES.values():
        assert route.purpose in domain.PURPOSES
        assert set(route.audiences) <= audiences
        assert bool(route.topic) == (TOPIC_SUBSCRIBERS in route.audiences)


def test_routed_event_types_that_notifications_consumes_are_in_the_routing_table() -> None:
    routed = {key.split("/")[0] for key in domain.ROUTES}
    consumed = {t for t, consumers in SUBSCRIPTIONS.items() if "notifications" in consumers}
    assert {"funding.application.submitted", "funding.application.approved"} <= routed & consumed


def test_every_funding_event_notifications_consumes_has_a_route() -> None:
    routed = {key.split("/")[0] for key in domain.ROUTES}
    consumed = {t for t, consumers in SUBSCRIPTIONS.items() if "notifications" in consumers}
    assert {t for t in consumed if t.startswith("funding.")} <= routed


def test_an_unknown_event_type_has_no_route() -> None:
    with pytest.raises(LookupError, match="funding.application.recommended"):
        domain.route_of("funding.application.recommended")


@pytest.mark.parametrize(
    ("topics", "districts", "event_districts", "expected"),
    [
        (["funding_calls"], ["Köln-Kalk"], ["Köln-Kalk", "Köln-Porz"], True),
        (["funding_calls"], ["Köln-Mülheim"], ["Köln-Kalk"], False),
        (["funding_calls"], [], ["Köln-Kalk"], True),  # no districts chosen: all of them
        (["funding_calls"], ["Köln-Mülheim"], [], True),  # an item for every district
        (["ki_events"], [], [], False),  # another topic
    ],
)
def test_a_subscriber_wants_items_of_their_topic_in_their_districts(
    topics: list[str], districts: list[str], event_districts: list[str], expected: bool
) -> None:
    assert domain.wants(topics, districts, "funding_calls", event_districts) is expected


@pytest.mark.parametrize(
    ("purpose", "standing", "reason"),
    [
        (ADMINISTRATIVE, domain.Standing(), ""),
        (NEWSLETTER, domain.Standing(consent=True), ""),
        (NEWSLETTER, domain.Standing(), "no confirmed newsletter consent"),
        (ADMINISTRATIVE, domain.Standing(suppressed="unknown_mailbox"), "suppressed: unknown_mailbox"),
        (NEWSLETTER, domain.Standing(suppressed="erased", consent=True), "suppressed: erased"),
    ],
)
def test_the_consent_rule(purpose: str, standing: domain.Standing, reason: str) -> None:
    assert domain.blocked(purpose, standing) == reason


@pytest.mark.parametrize(
    ("code", "reply", "unknown"),
    [
        (550, "5.1.1 <a@b.example>: Recipient address rejected: User unknown", True),
        (550, "No such user here", True),
        (551, "User not local; please try <x@y>", False),
        (553, "5.1.3 Bad recipient address syntax", True),
        (554, "5.7.1 Message rejected as spam", False),
        (550, "5.7.1 Relaying denied", False),
        (450, "4.1.1 Mailbox temporarily unavailable", False),
        (None, "connection dropped", False),
    ],
)
def test_which_answers_mean_the_mailbox_does_not_exist(code: int | None, reply: str, unknown: bool) -> None:
    assert domain.is_unknown_mailbox(code, reply) is unknown


def test_an_erased_address_is_remembered_only_as_a_hash() -> None:
    key = domain.address_key(" Weg@Verein.example ")

    assert key == domain.address_key("weg@verein.example")
    assert key.startswith("sha256:") and "verein" not in key


def test_the_one_click_link_uses_the_preference_pages_token() -> None:
    url = domain.one_click_url("https://ki.example/network/preferences?token=abc.def")

    assert url == "https://ki.example/network/unsubscribe?token=abc.def"
    assert domain.one_click_url("") == ""


def test_digest_periods_are_berlin_days_and_iso_weeks() -> None:
    late_evening_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # already Monday in Berlin

    assert domain.digest_period("daily", late_evening_utc) == "2026-11-23"
    assert domain.digest_period("weekly", late_evening_utc) == "2026-W48"
    assert domain.period_label("weekly", "2026-W48") == "23.11.–29.11.2026"


def test_a_period_is_closed_only_once_it_is_over() -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    assert not domain.period_closed("daily", "2026-11-23", monday)
    assert domain.period_closed("daily", "2026-11-22", monday)
    assert not domain.period_closed("weekly", "2026-W48", monday)
    assert domain.period_closed("weekly", "2026-W47", monday)


def test_a_digest_id_is_stable_for_the_same_items_and_new_for_late_ones() -> None:
    first = domain.digest_id("c1", "daily", "2026-11-22", 7)

    assert first == domain.digest_id("c1", "daily", "2026-11-22", 7)
    assert first != domain.digest_id("c1", "daily", "2026-11-22", 9)
