"""Identity rules without a database: password policy, sign-in throttling, stored secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.network.domain import identity as domain

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def throttle_after(failures: int, spacing: timedelta = timedelta(seconds=10)) -> domain.Throttle:
    throttle = domain.Throttle(0, START)
    for i in range(failures):
        throttle.record_failure(START + i * spacing)
    return throttle


def test_four_failures_do_not_lock() -> None:
    assert throttle_after(4).retry_after(START + timedelta(minutes=1)) is None


def test_the_fifth_failure_locks_for_fifteen_minutes() -> None:
    throttle = throttle_after(5)
    fifth = START + timedelta(seconds=40)

    assert throttle.retry_after(fifth) == 15 * 60
    assert throttle.retry_after(fifth + timedelta(minutes=15)) is None


def test_failures_outside_the_window_start_a_new_count() -> None:
    throttle = throttle_after(4)
    throttle.record_failure(START + timedelta(minutes=16))

    assert throttle.failures == 1 and throttle.locked_until is None


def test_a_failure_after_a_lock_ran_out_starts_a_new_count() -> None:
    throttle = throttle_after(5)
    throttle.record_failure(START + timedelta(minutes=15, seconds=41))

    assert throttle.failures == 1 and throttle.locked_until is None


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("kurz", True),
        ("elf-zeichen", True),
        ("zwoelf-zeich", False),
        ("Antrag@Bruecken.example", True),
        (domain.DEMO_PASSWORD, True),
    ],
)
def test_the_password_policy(password: str, refused: bool) -> None:
    assert (domain.password_problem(password, "antrag@bruecken.example") is not None) is refused


def test_passwords_are_stored_as_argon2id_and_an_unusable_hash_matches_nothing() -> None:
    stored = domain.hash_password("ein-langes-passwort")

    assert stored.startswith("$argon2id$")
    assert domain.password_matches(stored, "ein-langes-passwort")
    assert not domain.password_matches(stored, "ein-anderes-passwort")
    assert not domain.password_matches(domain.UNUSABLE_PASSWORD, "")
    assert not domain.password_matches(None, "irgendwas")


def test_secrets_are_random_and_stored_only_as_digests() -> None:
    first, second = domain.new_secret(), domain.new_secret()

    assert first != second and len(first) >= 43
    assert domain.digest(first) != first and len(domain.digest(first)) == 64
    assert domain.email_key(" A@B.example ") == domain.email_key("a@b.example")


def test_unknown_roles_are_named() -> None:
    assert domain.unknown_roles(["admin", "root", "caseworker", "guest"]) == ["guest", "root"]
