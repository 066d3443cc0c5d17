"""The review workflow over HTTP: change requests, resubmission, rejection, withdrawal, audit chain."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from werkzeug.test import TestResponse

from shared.events import consumers_of
from tests.conftest import Apps
from tests.integration.funding.helpers import (
    APPLICATIONS,
    Desk,
    audit_trail,
    make_eligible,
    outbox_rows,
    stored,
)
from tests.support import builders
from tests.support.databases import guards_lifted
from tests.support.tokens import TokenMaker

OPEN = ("draft", "submitted", "in_review", "changes_requested", "recommended")
CHANGES = {"comment": "Bitte ergänzen Sie die Raummiete im Finanzierungsplan."}
REASONS = {"reasons": ["Das Projekt liegt außerhalb des Förderzwecks.", "Die Kosten sind nicht plausibel."]}
# Who takes each action, with which body.
STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "submit": ("applicant", {}),
    "start_review": ("caseworker", {}),
    "request_changes": ("caseworker", CHANGES),
    "resubmit": ("applicant", {}),
    "recommend": ("caseworker", {"recommended_cents": 400_000}),
    "approve": ("approver", {}),
    "reject": ("approver", REASONS),
    "withdraw": ("applicant", {}),
}
PATH_TO = {
    "draft": [],
    "submitted": ["submit"],
    "in_review": ["submit", "start_review"],
    "changes_requested": ["submit", "start_review", "request_changes"],
    "recommended": ["submit", "start_review", "recommend"],
    "approved": ["submit", "start_review", "recommend", "approve"],
    "rejected": ["submit", "start_review", "reject"],
    "withdrawn": ["submit", "withdraw"],
}
# Each new action and a state it may be taken from.
NEW_ACTIONS = {
    "start_review": "submitted",
    "request_changes": "in_review",
    "resubmit": "changes_requested",
    "reject": "in_review",
    "withdraw": "submitted",
}


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def take(desk: Desk, application_id: str, action: str, json: dict[str, Any] | None = None) -> TestResponse:
    role, body = STEPS[action]
    return desk.act(application_id, action, desk.headers_of(role), body if json is None else json)


def moved_to(desk: Desk, state: str) -> str:
    application_id = desk.draft()
    for action in PATH_TO[state]:
        response = take(desk, application_id, action)
        assert response.status_code == 200, (action, response.json)
    return application_id


def audit(desk: Desk, application_id: str, headers: dict[str, str] | None = None) -> TestResponse:
    return desk.client.get(f"{APPLICATIONS}/{application_id}/audit", headers=headers or desk.caseworker)


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert field in response.json.get("errors", {}), response.json
    return response.json


# --- the whole path -----------------------------------------------------------------------------


def test_full_path_with_a_change_request_and_resubmission_ends_approved_with_an_intact_trail(
    desk: Desk,
) -> None:
    application_id = desk.draft()
    actions = ["submit", "start_review", "request_changes", "resubmit", "recommend", "approve"]

    states = [take(desk, application_id, action).json["state"] for action in actions]

    assert states == ["submitted", "in_review", "changes_requested", "in_review", "recommended", "approved"]
    assert [entry[0] for entry in audit_trail(desk.app, application_id)] == actions
    trail = audit(desk, application_id).json
    assert trail["intact"] is True and trail["first_broken_entry"] is None
    entries = trail["entries"]
    assert entries[2]["comment"] == CHANGES["comment"]
    assert entries[0]["previous_hash"] == "0" * 64
    assert all(b["previous_hash"] == a["entry_hash"] for a, b in zip(entries, entries[1:], strict=False))


def test_a_change_request_records_its_event_with_the_comment_for_each_consumer(desk: Desk) -> None:
    application_id = moved_to(desk, "changes_requested")

    rows = outbox_rows(desk.app, "funding.application.changes_requested")

    assert sorted(row.consumer for row in rows) == ["notifications"]
    data = rows[0].envelope["data"]
    assert (data["application_id"], data["comment"]) == (application_id, CHANGES["comment"])
    assert data["requested_by"] == desk.user_ids["caseworker"]


@pytest.mark.parametrize("body", [{}, {"comment": ""}])
def test_a_change_request_without_a_comment_is_refused_naming_the_comment(
    desk: Desk, body: dict[str, str]
) -> None:
    application_id = moved_to(desk, "in_review")

    assert_problem(take(desk, application_id, "request_changes", body), 422, "comment")
    assert stored(desk.app, application_id).state == "in_review"


def test_a_blank_change_request_comment_is_refused_naming_the_comment(desk: Desk) -> None:
    application_id = moved_to(desk, "in_review")

    assert_problem(take(desk, application_id, "request_changes", {"comment": "   "}), 422, "comment")
    assert outbox_rows(desk.app, "funding.application.changes_requested") == []


def test_a_resubmission_is_published_to_notifications_with_the_applicants_note_and_amount(
    desk: Desk,
) -> None:
    application_id = moved_to(desk, "changes_requested")
    note = {"comment": "Raummiete ergänzt."}

    response = take(desk, application_id, "resubmit", note)

    [row] = outbox_rows(desk.app, "funding.application.resubmitted")
    data = row.envelope["data"]
    assert row.consumer == "notifications"
    assert (data["application_id"], data["comment"]) == (application_id, note["comment"])
    assert data["requested_cents"] == response.json["requested_cents"]
    assert data["resubmitted_by"] == desk.user_ids["applicant"]


def test_taking_an_application_into_review_is_published_naming_the_caseworker(desk: Desk) -> None:
    application_id = moved_to(desk, "in_review")

    [row] = outbox_rows(desk.app, "funding.application.review_started")

    assert row.consumer == "notifications"  # which tells the applicant
    data = row.envelope["data"]
    assert (data["application_id"], data["started_by"]) == (application_id, desk.user_ids["caseworker"])


# --- rejection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["in_review", "recommended"])
def test_an_approver_rejects_with_reasons_that_reach_the_trail_and_the_event(desk: Desk, state: str) -> None:
    application_id = moved_to(desk, state)

    response = take(desk, application_id, "reject")

    assert response.status_code == 200, response.json
    assert response.json["state"] == "rejected" and response.json["decided_at"]
    [row] = outbox_rows(desk.app, "funding.application.rejected")
    assert row.envelope["data"]["reasons"] == REASONS["reasons"]
    assert row.envelope["data"]["rejected_by"] == desk.user_ids["approver"]
    last = audit(desk, application_id).json["entries"][-1]
    assert (last["from_state"], last["to_state"]) == (state, "rejected")
    assert all(reason in last["comment"] for reason in REASONS["reasons"])


@pytest.mark.parametrize("body", [{}, {"reasons": []}, {"reasons": [""]}])
def test_a_rejection_without_reasons_is_refused_naming_the_reasons(desk: Desk, body: dict[str, Any]) -> None:
    application_id = moved_to(desk, "recommended")

    assert_problem(take(desk, application_id, "reject", body), 422, "reasons")
    assert stored(desk.app, application_id).state == "recommended"


def test_a_rejection_with_only_blank_reasons_is_refused_naming_the_reasons(desk: Desk) -> None:
    application_id = moved_to(desk, "recommended")

    assert_problem(take(desk, application_id, "reject", {"reasons": ["  "]}), 422, "reasons")


# --- withdrawal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", OPEN)
def test_the_applicant_withdraws_from_every_open_state(desk: Desk, state: str) -> None:
    application_id = moved_to(desk, state)

    response = take(desk, application_id, "withdraw", {"comment": "Projekt findet nicht statt."})

    assert response.status_code == 200, response.json
    assert response.json["state"] == "withdrawn"
    assert audit_trail(desk.app, application_id)[-1] == (
        "withdraw",
        state,
        "withdrawn",
        desk.user_ids["applicant"],
    )
    rows = outbox_rows(desk.app, "funding.application.withdrawn")
    assert [row.consumer for row in rows] == list(consumers_of("funding.application.withdrawn"))


@pytest.mark.parametrize("state", ["approved", "rejected", "withdrawn"])
def test_a_closed_application_cannot_be_withdrawn(desk: Desk, state: str) -> None:
    application_id = moved_to(desk, state)

    problem = assert_problem(take(desk, application_id, "withdraw"), 409, "state")

    assert "cannot be withdrawn" in problem["detail"]
    assert stored(desk.app, application_id).state == state


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "role"),
    [
        (action, role)
        for action in NEW_ACTIONS
        for role in ("applicant", "caseworker", "approver", "admin")
        if role != STEPS[action][0]
    ],
)
def test_every_new_action_is_refused_to_every_other_role(desk: Desk, action: str, role: str) -> None:
    state = NEW_ACTIONS[action]
    application_id = moved_to(desk, state)

    response = desk.act(application_id, action, desk.headers_of(role), STEPS[action][1])

    assert_problem(response, 403)
    assert stored(desk.app, application_id).state == state


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_another_organisations_applicant_cannot_take_a_new_action(
    desk: Desk, tokens: TokenMaker, action: str
) -> None:
    state = NEW_ACTIONS[action]
    application_id = moved_to(desk, state)
    outsider = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert_problem(desk.act(application_id, action, outsider, STEPS[action][1]), 404)
    assert stored(desk.app, application_id).state == state


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_a_new_action_from_a_wrong_state_is_a_conflict_naming_the_state(desk: Desk, action: str) -> None:
    application_id = moved_to(desk, "draft" if action != "withdraw" else "approved")

    assert_problem(take(desk, application_id, action), 409, "state")


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_a_new_action_without_a_token_is_unauthorized(desk: Desk, action: str) -> None:
    application_id = moved_to(desk, NEW_ACTIONS[action])

    assert_problem(desk.client.post(f"{APPLICATIONS}/{application_id}/{action}", json={}), 401)


# --- the audit trail ----------------------------------------------------------------------------


def test_tampering_with_an_audit_row_is_reported_with_the_entry_id(desk: Desk) -> None:
    application_id = moved_to(desk, "recommended")
    entries = audit(desk, application_id).json["entries"]
    tampered = entries[1]["id"]

    # Someone with the table owner's rights switches the database's guard off first.
    with builders.session_factory(desk.app).begin() as session, guards_lifted(session, "audit_entry"):
        session.execute(
            text("UPDATE audit_entry SET comment = 'nachträglich geändert' WHERE id = :id"), {"id": tampered}
        )

    trail = audit(desk, application_id).json
    assert (trail["intact"], trail["first_broken_entry"]) == (False, tampered)


def test_a_deleted_audit_row_is_reported_at_the_entry_after_it(desk: Desk) -> None:
    application_id = moved_to(desk, "recommended")
    first, second, third = (e["id"] for e in audit(desk, application_id).json["entries"])

    with builders.session_factory(desk.app).begin() as session, guards_lifted(session, "audit_entry"):
        session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": second})

    assert audit(desk, application_id).json["first_broken_entry"] == third != first


def test_applicants_cannot_read_the_audit_trail(desk: Desk) -> None:
    application_id = moved_to(desk, "submitted")

    assert_problem(audit(desk, application_id, desk.applicant), 403)


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_read_the_audit_trail(desk: Desk, role: str) -> None:
    application_id = moved_to(desk, "in_review")

    response = audit(desk, application_id, desk.headers_of(role))

    assert response.status_code == 200 and response.json["intact"] is True
    assert [e["action"] for e in response.json["entries"]] == ["submit", "start_review"]


def test_the_audit_trail_of_an_unknown_application_is_not_found(desk: Desk) -> None:
    assert_problem(audit(desk, str(uuid.uuid4())), 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_the_audit_trail_cannot_be_changed_over_http(desk: Desk, method: str) -> None:
    application_id = moved_to(desk, "submitted")

    response = getattr(desk.client, method)(f"{APPLICATIONS}/{application_id}/audit", headers=desk.approver)

    assert response.status_code == 405
