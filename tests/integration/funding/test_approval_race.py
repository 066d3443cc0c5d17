"""Approvals racing for the last of a programme's budget never commit more than the budget."""

from __future__ import annotations

import threading

from services.funding.models import Application
from tests.conftest import Apps
from tests.integration.funding.helpers import (
    APPLICATIONS,
    Desk,
    body_requesting,
    committed_cents,
    make_eligible,
)
from tests.support import builders
from tests.support.tokens import TokenMaker

BUDGET = 10_000_000
AMOUNT = 3_000_000  # exactly three fit into the budget
RACERS = 8


def test_concurrent_approvals_never_commit_more_than_the_budget(apps: Apps, tokens: TokenMaker) -> None:
    desk = Desk.around(
        apps.funding, tokens, builders.open_call(apps.funding, budget_cents=BUDGET, max_amount_cents=AMOUNT)
    )
    make_eligible(apps.funding, desk.organization_id)
    body = body_requesting(desk.programmes.call_id, desk.organization_id, AMOUNT)
    application_ids = [desk.in_state("recommended", body, recommended_cents=AMOUNT) for _ in range(RACERS)]

    answers = _approve_all_at_once(apps, desk, application_ids)

    statuses = sorted(status for status, _ in answers.values())
    assert statuses == [200] * 3 + [409] * 5, answers
    assert all(
        "budget" in problem["detail"] and "approved_cents" in problem["errors"]
        for status, problem in answers.values()
        if status == 409
    )
    committed = committed_cents(apps.funding, desk.programmes)
    assert committed == 3 * AMOUNT <= BUDGET
    with builders.session_factory(apps.funding)() as session:
        approved = [session.get(Application, i) for i in application_ids]
        assert sum(a.approved_cents or 0 for a in approved) == committed
        assert sorted(a.state for a in approved) == ["approved"] * 3 + ["recommended"] * 5


def _approve_all_at_once(apps: Apps, desk: Desk, application_ids: list[str]) -> dict[str, tuple[int, dict]]:
    """Each application approved from its own thread and test client, all released together."""
    barrier = threading.Barrier(len(application_ids))
    answers: dict[str, tuple[int, dict]] = {}
    headers = desk.approver

    def approve(application_id: str) -> None:
        client = apps.funding.test_client()
        barrier.wait(timeout=30)
        response = client.post(f"{APPLICATIONS}/{application_id}/approve", json={}, headers=headers)
        answers[application_id] = (response.status_code, response.json)

    threads = [threading.Thread(target=approve, args=(i,)) for i in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(answers) == len(application_ids), "an approval did not answer"
    return answers
