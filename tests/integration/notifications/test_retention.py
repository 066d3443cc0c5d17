"""Finished emails keep their text (signed links, personal details) only for EMAIL_RETENTION_DAYS;
the delivery log keeps who got which subject when, and how it went."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from services.notifications.models import Email
from services.notifications.services import deliveries
from shared.db import utcnow
from tests.conftest import Apps, Stack
from tests.integration.notifications import helpers
from tests.support.waiting import wait_until


def age(app: Flask, address: str, days: float, status: str) -> None:
    """The email to ``address`` was made ``days`` ago and ended ``status``."""
    with helpers.session_of(app) as session:
        session.execute(
            update(Email)
            .where(Email.recipient == address)
            .values(created_at=utcnow() - timedelta(days=days), status=status)
        )


def forget(apps: Apps, days: float = 30) -> int:
    with helpers.session_of(apps.notifications) as session:
        return deliveries.forget_contents(session, utcnow() - timedelta(days=days))


def bodies(apps: Apps) -> dict[str, tuple[str, str, str]]:
    return {e.recipient: (e.status, e.subject, e.body_text) for e in helpers.emails(apps.notifications)}


def test_a_finished_email_older_than_the_retention_keeps_only_what_the_log_shows(apps: Apps) -> None:
    helpers.plan_approval(
        apps.notifications, "alt@verein.example", "neu@verein.example", "wartet@verein.example"
    )
    age(apps.notifications, "alt@verein.example", 31, "sent")
    age(apps.notifications, "neu@verein.example", 29, "sent")
    age(apps.notifications, "wartet@verein.example", 31, "pending")

    assert forget(apps) == 1

    kept = bodies(apps)
    assert kept["alt@verein.example"][:2] == ("sent", kept["neu@verein.example"][1])
    assert kept["alt@verein.example"][2] == ""
    assert kept["neu@verein.example"][2] != "" and kept["wartet@verein.example"][2] != ""
    [old] = [e for e in helpers.emails(apps.notifications) if e.recipient == "alt@verein.example"]
    assert (old.body_html, old.calendar) == ("", "")


def test_the_worker_runs_the_retention_task(stack: Stack) -> None:
    helpers.plan_approval(stack.apps.notifications, "alt@verein.example")
    age(stack.apps.notifications, "alt@verein.example", 40, "failed")

    celery = stack.apps.notifications.extensions["teilhabe"].celery
    celery.send_task("notifications.forget_email_contents", queue="notifications")

    wait_until(
        lambda: helpers.the_email(stack.apps.notifications).body_text == "",
        timeout=20,
        what="the worker to empty the old email",
    )
