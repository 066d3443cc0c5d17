"""Funding's settings from the environment: the proof-of-use deadline and its reminders."""

from __future__ import annotations

import pytest

from services.funding.config import Settings
from shared.config import ConfigError


@pytest.fixture(autouse=True)
def no_report_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REPORT_DUE_DAYS", "REPORT_REMINDER_DAYS", "TEILHABE_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_the_proof_of_use_is_due_180_days_after_the_project_with_reminders_28_and_7_days_before() -> None:
    settings = Settings.from_env()

    assert (settings.report_due_days, settings.report_reminder_days) == (180, (28, 7))


def test_the_due_days_and_reminder_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_DUE_DAYS", "90")
    monkeypatch.setenv("REPORT_REMINDER_DAYS", " 30, 14 ,3")

    settings = Settings.from_env()

    assert (settings.report_due_days, settings.report_reminder_days) == (90, (30, 14, 3))


def test_an_empty_reminder_setting_keeps_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_REMINDER_DAYS", "")

    assert Settings.from_env().report_reminder_days == (28, 7)


@pytest.mark.parametrize("raw", ["vier Wochen", "28;7", "0", "7,-1", ","])
def test_a_malformed_reminder_setting_stops_the_service_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("REPORT_REMINDER_DAYS", raw)

    with pytest.raises(ConfigError, match="REPORT_REMINDER_DAYS"):
        Settings.from_env()
