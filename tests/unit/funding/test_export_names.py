"""Export files are named for the day in Germany, not the server's (UTC) day."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.funding.services import exports
from services.funding.services.overview import FundingHistory

NEW_YEARS_NIGHT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Berlin


@pytest.fixture(autouse=True)
def half_past_midnight_in_berlin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "utcnow", lambda: NEW_YEARS_NIGHT)


def test_a_budget_export_downloaded_after_midnight_in_berlin_carries_the_new_day() -> None:
    assert exports.budget_table([]).name == "haushaltsuebersicht-2027-01-01"


def test_a_funding_history_downloaded_after_midnight_in_berlin_carries_the_new_day() -> None:
    history = FundingHistory(organization_id="c675015f", organization_name="Brückenbau e.V.")

    assert exports.history_table(history).name == "foerderhistorie-c675015f-2027-01-01"
