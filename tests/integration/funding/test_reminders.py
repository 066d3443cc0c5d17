"""Beat's proof-of-use pass: opening reports when projects end, reminders once per step, overdue once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from services.funding import tasks
from services.funding.domain.reports import berlin_date
from services.funding.models import Application
from services.funding.models.reports import ReportReminder
from services.funding.services.reminders import SYSTEM
from shared.db import transaction
from tests.conftest import Apps
from tests.integration.funding.after_approval import (
    DUE_DAYS,
    at_berlin_noon,
    beat_pass,
    events_of,
    paid_out,
    project_end_day,
    publish_everything,
    report_due,
    submit_report,
)
from tests.integration.funding.helpers import Desk, audit_trail, make_eligible, outbox_rows, stored
from tests.support import builders
from tests.support.tokens import TokenMaker


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def reminders_sent(desk: Desk, application_id: str) -> list[int | None]:
    return [
        e["days_before"]
        for e in events_of(desk, "funding.report.due")
        if e["application_id"] == application_id
    ]


@pytest.mark.parametrize("state", ["approved", "paying_out"])
def test_the_report_becomes_due_the_day_after_the_project_ended(desk: Desk, state: str) -> None:
    application_id = desk.in_state("approved")
    if state == "paying_out":
        paid_out(desk, application_id, 1_000)
    end = project_end_day(desk, application_id)

    on_the_last_day = beat_pass(desk, at_berlin_noon(end))
    the_day_after = beat_pass(desk, at_berlin_noon(end + timedelta(days=1)))

    assert (on_the_last_day.opened, the_day_after.opened) == (0, 1)
    assert stored(desk.app, application_id).state == "report_due"
    assert audit_trail(desk.app, application_id)[-1] == ("open_report", state, "report_due", SYSTEM.user_id)
    [event] = events_of(desk, "funding.report.due")
    assert (event["due_on"], event["days_before"]) == ((end + timedelta(days=DUE_DAYS)).isoformat(), None)
    assert [row.consumer for row in outbox_rows(desk.app, "funding.report.due")] == ["notifications"]


def test_reminders_go_out_once_per_step_however_often_beat_runs(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)

    for days_before in (30, 28, 28, 20, 7, 7, 1, 0):
        beat_pass(desk, at_berlin_noon(due - timedelta(days=days_before)))

    assert reminders_sent(desk, application_id) == [None, 28, 7]
    with builders.session_factory(desk.app)() as session:
        stored_steps = session.scalars(
            select(ReportReminder.days_before).order_by(ReportReminder.days_before)
        )
        assert list(stored_steps) == [7, 28]
    assert stored(desk.app, application_id).state == "report_due"


def test_a_beat_that_was_down_sends_only_the_closest_reminder(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)

    beat_pass(desk, at_berlin_noon(due - timedelta(days=3)))

    assert reminders_sent(desk, application_id) == [None, 7]


def test_a_report_past_its_due_date_is_marked_overdue_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_everything(monkeypatch)
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)

    first = beat_pass(desk, at_berlin_noon(due + timedelta(days=1)))
    second = beat_pass(desk, at_berlin_noon(due + timedelta(days=2)))

    assert (first.overdue, second.overdue) == (1, 0)
    assert stored(desk.app, application_id).state == "report_overdue"
    assert audit_trail(desk.app, application_id)[-1] == (
        "mark_overdue",
        "report_due",
        "report_overdue",
        SYSTEM.user_id,
    )
    [event] = events_of(desk, "funding.report.overdue")
    assert event["due_on"] == due.isoformat()


def test_the_due_day_itself_is_not_overdue(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)

    assert beat_pass(desk, at_berlin_noon(due)).overdue == 0
    assert stored(desk.app, application_id).state == "report_due"


def test_an_overdue_report_can_still_be_submitted(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)
    beat_pass(desk, at_berlin_noon(due + timedelta(days=1)))

    response = submit_report(desk, application_id)

    assert response.status_code == 200, response.json
    assert response.json["state"] == "report_submitted" and response.json["overdue_at"]


def test_a_submitted_report_gets_no_reminders_and_is_never_overdue(desk: Desk) -> None:
    application_id = desk.in_state("approved")
    due = report_due(desk, application_id)
    submit_report(desk, application_id)

    beat_pass(desk, at_berlin_noon(due - timedelta(days=7)))
    summary = beat_pass(desk, at_berlin_noon(due + timedelta(days=10)))

    assert reminders_sent(desk, application_id) == [None]
    assert summary.overdue == 0 and stored(desk.app, application_id).state == "report_submitted"


def test_applications_not_approved_are_left_alone(desk: Desk) -> None:
    application_id = desk.in_state("recommended")

    summary = beat_pass(desk, at_berlin_noon(date.today() + timedelta(days=3 * 365)))

    assert (summary.opened, summary.reminded, summary.overdue) == (0, 0, 0)
    assert stored(desk.app, application_id).state == "recommended"


def project_ended_yesterday(desk: Desk, application_id: str) -> date:
    """Move the approved project's dates into the past, as if it had run its course."""
    yesterday = berlin_date(datetime.now(UTC)) - timedelta(days=1)
    with transaction(builders.session_factory(desk.app)) as session:
        application = session.get(Application, application_id)
        application.start_date, application.end_date = yesterday - timedelta(days=60), yesterday
    return yesterday


def run_beat_job(desk: Desk) -> dict[str, Any]:
    """Beat's job as its worker runs it: the registered Celery task, on funding's Celery app."""
    celery = desk.app.extensions["teilhabe"].celery
    task = celery.tasks[tasks.send_report_reminders.name]
    return task.apply(throw=True).get()


def test_beats_reminder_job_opens_the_report_due_the_configured_days_after_the_project_ended(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_DUE_DAYS", "90")
    application_id = desk.in_state("approved")
    end = project_ended_yesterday(desk, application_id)

    summary = run_beat_job(desk)

    assert summary == {"opened": 1, "reminded": 0, "overdue": 0}
    assert stored(desk.app, application_id).state == "report_due"
    [event] = events_of(desk, "funding.report.due")
    assert (event["due_on"], event["days_before"]) == ((end + timedelta(days=90)).isoformat(), None)


def test_beats_reminder_job_reminds_on_the_configured_days_before_the_due_date(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_DUE_DAYS", "30")
    monkeypatch.setenv("REPORT_REMINDER_DAYS", "45,10")
    application_id = desk.in_state("approved")
    project_ended_yesterday(desk, application_id)

    first, again = run_beat_job(desk), run_beat_job(desk)

    # 29 days left: inside the 45-day window at once, not yet in the 10-day one; each step once.
    assert (first["reminded"], again["reminded"]) == (1, 0)
    assert reminders_sent(desk, application_id) == [None, 45]


def test_the_reminder_job_is_registered_with_beat() -> None:
    from services.funding.worker import celery_app

    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["funding.send_report_reminders"]
    assert entry["task"] == "funding.send_report_reminders" in celery_app.tasks
    assert entry["schedule"] > 0
