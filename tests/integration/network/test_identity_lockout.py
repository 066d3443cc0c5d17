"""Sign-in throttling: five failures within 15 minutes pause sign-in for that email for 15 minutes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import Apps
from tests.integration.network.identity_helpers import Clock, audit_actions, install_clock, sign_in
from tests.support import builders

EMAIL = "sb@ki.example"
WRONG = "falsches-passwort"


@pytest.fixture
def network(apps: Apps) -> FlaskClient:
    return apps.client("network")


@pytest.fixture
def clock(apps: Apps, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(apps.network, monkeypatch)


@pytest.fixture
def user_id(apps: Apps) -> str:
    return builders.user(apps.network, EMAIL, ["caseworker"])


def fail(client: FlaskClient, email: str = EMAIL, times: int = 1) -> list[int]:
    return [sign_in(client, email, WRONG).status_code for _ in range(times)]


def test_five_failures_lock_the_account_even_for_the_right_password(
    apps: Apps, network: FlaskClient, clock: Clock, user_id: str
) -> None:
    assert fail(network, times=4) == [401] * 4

    fifth = sign_in(network, EMAIL, WRONG)
    right = sign_in(network, EMAIL)

    assert fifth.status_code == right.status_code == 429
    assert right.headers["Retry-After"] == str(15 * 60)
    assert "Too many failed sign-ins" in right.json["detail"]
    assert "Zu viele" in right.json["detail"]
    assert "access_token" not in right.json
    assert "login.locked" in audit_actions(apps.network, user_id)


def test_the_lock_is_released_after_fifteen_minutes(network: FlaskClient, clock: Clock, user_id: str) -> None:
    fail(network, times=5)
    clock.advance(minutes=14)
    still_locked = sign_in(network, EMAIL)
    assert still_locked.status_code == 429 and still_locked.headers["Retry-After"] == "60"

    clock.advance(minutes=1, seconds=1)

    assert sign_in(network, EMAIL).status_code == 200


def test_a_successful_sign_in_starts_the_count_afresh(
    network: FlaskClient, clock: Clock, user_id: str
) -> None:
    fail(network, times=4)
    assert sign_in(network, EMAIL).status_code == 200

    assert fail(network, times=4) == [401] * 4
    assert sign_in(network, EMAIL).status_code == 200


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
    network: FlaskClient, clock: Clock, user_id: str
) -> None:
    fail(network, times=4)
    clock.advance(minutes=16)

    assert fail(network, times=4) == [401] * 4
    assert sign_in(network, EMAIL).status_code == 200


def test_an_unknown_email_is_throttled_with_the_same_answers_as_a_known_one(
    network: FlaskClient, clock: Clock, user_id: str
) -> None:
    known = [sign_in(network, EMAIL, WRONG) for _ in range(6)]
    unknown = [sign_in(network, "niemand@ki.example", WRONG) for _ in range(6)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 4 + [429] * 2
    assert [r.json for r in known] == [r.json for r in unknown]
    assert known[-1].headers["Retry-After"] == unknown[-1].headers["Retry-After"]


def test_one_locked_email_does_not_lock_another(
    apps: Apps, network: FlaskClient, clock: Clock, user_id: str
) -> None:
    builders.user(apps.network, "leitung@ki.example", ["approver"])
    fail(network, times=5)

    assert sign_in(network, "leitung@ki.example").status_code == 200
