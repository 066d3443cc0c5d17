"""Approvals racing from separate OS processes (each its own app and connection pool) never overspend."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.funding.models import Application, AuditEntry, OutboxMessage
from tests.conftest import Apps
from tests.integration.funding.helpers import (
    APPLICATIONS,
    Desk,
    body_requesting,
    committed_cents,
    funding_app_with,
    make_eligible,
)
from tests.support import builders
from tests.support import databases as dbs
from tests.support.tokens import TokenMaker

BUDGET = 10_000_000
# Eight approvals worth 19 million against 10: some must be refused, which ones depends on who wins.
AMOUNTS = (3_000_000, 3_000_000, 3_000_000, 3_000_000, 2_500_000, 2_500_000, 1_000_000, 1_000_000)
START_TIMEOUT = 180  # generous: eight processes start on a busy two-core machine


@dataclass(frozen=True)
class Racer:
    database_url: str
    redis_url: str
    public_key: bytes
    headers: dict[str, str]
    application_id: str


@dataclass(frozen=True)
class Answer:
    application_id: str
    status: int
    body: dict[str, Any]
    started: float
    finished: float


def approve_when_released(racer: Racer, barrier: Any, answers: Any) -> None:
    """Runs in a child process: build the app, wait for all others, then approve."""
    with funding_app_with(racer.database_url, racer.redis_url, racer.public_key) as app:
        client = app.test_client()
        client.get("/funding/healthz")  # open the connection pool before the race, not inside it
        barrier.wait(timeout=START_TIMEOUT)
        started = time.monotonic()
        response = client.post(
            f"{APPLICATIONS}/{racer.application_id}/approve", json={}, headers=racer.headers
        )
        answers.put(
            Answer(racer.application_id, response.status_code, response.json, started, time.monotonic())
        )


def race(racers: list[Racer]) -> list[Answer]:
    # Separate OS processes, forked from a clean server process that imported the app once: each
    # child still builds its own app, engine and connections, but need not import everything again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier, answers = context.Barrier(len(racers)), context.Queue()
    processes = [context.Process(target=approve_when_released, args=(r, barrier, answers)) for r in racers]
    for process in processes:
        process.start()
    try:
        collected = [answers.get(timeout=START_TIMEOUT + 60) for _ in racers]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * len(processes)
    return collected


@dataclass(frozen=True)
class Field:
    desk: Desk
    racers: list[Racer]


@pytest.fixture
def field(
    apps: Apps, tokens: TokenMaker, databases: dbs.ServiceDatabases, redis_url: str, keys: tuple[Path, Path]
) -> Field:
    """One recommended application per amount, all from one organisation under one call."""
    programmes = builders.open_call(apps.funding, budget_cents=BUDGET, max_amount_cents=max(AMOUNTS))
    desk = Desk.around(apps.funding, tokens, programmes)
    make_eligible(apps.funding, desk.organization_id)
    ids = [
        desk.in_state(
            "recommended", body_requesting(programmes.call_id, desk.organization_id, amount), amount
        )
        for amount in AMOUNTS
    ]
    url, public_key = databases.urls["funding"], keys[1].read_bytes()
    return Field(desk, [Racer(url, redis_url, public_key, desk.approver, i) for i in ids])


def test_approvals_from_parallel_processes_commit_only_what_fits_into_the_budget(field: Field) -> None:
    answers = race(field.racers)

    amount_of = dict(zip((r.application_id for r in field.racers), AMOUNTS, strict=True))
    won = [a for a in answers if a.status == 200]
    lost = [a for a in answers if a.status != 200]
    committed = sum(amount_of[a.application_id] for a in won)
    assert won and lost, [(a.status, a.body) for a in answers]
    assert {a.status for a in lost} == {409}, [a.body for a in lost]
    assert committed <= BUDGET
    # Exactly those that fit: every refused approval is larger than what is left at the end.
    assert all(amount_of[a.application_id] > BUDGET - committed for a in lost), (committed, amount_of)
    for answer in lost:
        assert "budget" in answer.body["detail"] and "nothing was approved" in answer.body["detail"]
        assert "approved_cents" in answer.body["errors"]
    # All were in flight at one moment, else this test would prove nothing about racing.
    assert max(a.started for a in answers) < min(a.finished for a in answers)
    assert_records_agree(field.desk, {a.application_id for a in won}, committed)


def assert_records_agree(desk: Desk, winners: set[str], committed: int) -> None:
    """The budget row, the applications, their audit trail and their events tell the same story."""
    with builders.session_factory(desk.app)() as session:
        applications = list(session.scalars(select(Application)))
        approvals = session.scalars(select(AuditEntry.application_id).where(AuditEntry.action == "approve"))
        events = session.scalars(
            select(OutboxMessage.envelope).where(OutboxMessage.event_type == "funding.application.approved")
        )
        audited, announced = set(approvals), {envelope["data"]["application_id"] for envelope in events}
    assert committed_cents(desk.app, desk.programmes) == committed
    assert {a.id for a in applications if a.state == "approved"} == winners == audited == announced
    assert {a.state for a in applications if a.id not in winners} == {"recommended"}
    assert sum(a.approved_cents or 0 for a in applications) == committed
