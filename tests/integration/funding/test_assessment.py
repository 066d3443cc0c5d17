"""Checklists per programme and the caseworker's assessment that a recommendation rests on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import Apps
from tests.integration.funding.helpers import APPLICATIONS, Desk, make_eligible, outbox_rows, stored
from tests.support import builders
from tests.support.tokens import TokenMaker

PROGRAMMES = "/funding/api/v1/programmes"
REQUESTED = 450_050  # the desk's default application: 5.000,50 € costs − 500,00 € own contribution
QUESTIONS = [
    ("Der Verein ist gemeinnützig.", True),
    ("Die Zielgruppe entspricht dem Förderzweck.", True),
    ("Es gibt Kooperationspartner vor Ort.", False),
]


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def checklist_url(desk: Desk) -> str:
    return f"{PROGRAMMES}/{desk.programmes.programme_id}/checklist"


def add_item(desk: Desk, text: str, required: bool = True, role: str = "admin", **extra: Any) -> TestResponse:
    body = {"text": text, "required": required, **extra}
    return desk.client.post(checklist_url(desk), json=body, headers=desk.headers_of(role))


def define_checklist(desk: Desk) -> list[str]:
    """The three QUESTIONS on the desk's programme; their ids in order."""
    ids = []
    for text, required in QUESTIONS:
        response = add_item(desk, text, required)
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return ids


def save(desk: Desk, application_id: str, body: dict[str, Any], role: str = "caseworker") -> TestResponse:
    url = f"{APPLICATIONS}/{application_id}/assessment"
    return desk.client.put(url, json=body, headers=desk.headers_of(role))


def read(desk: Desk, application_id: str, headers: dict[str, str]) -> TestResponse:
    return desk.client.get(f"{APPLICATIONS}/{application_id}/assessment", headers=headers)


def answers(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"item_id": item_id, "answer": answer, "note": f"Notiz zu {answer}"} for item_id, answer in pairs]


def in_review(desk: Desk) -> str:
    application_id = desk.in_state("submitted")
    assert desk.act(application_id, "start_review", desk.caseworker).status_code == 200
    return application_id


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    if field is not None:
        assert field in response.json.get("errors", {}), response.json
    return response.json


# --- the checklist --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "approver"])
def test_admins_and_approvers_define_a_checklist_that_caseworkers_read_in_order(
    desk: Desk, role: str
) -> None:
    add_item(desk, "Zweitens", role=role, position=2)
    add_item(desk, "Erstens", required=False, role=role, position=1)

    response = desk.client.get(checklist_url(desk), headers=desk.caseworker)

    assert response.status_code == 200
    assert [(i["text"], i["required"], i["position"]) for i in response.json] == [
        ("Erstens", False, 1),
        ("Zweitens", True, 2),
    ]


def test_an_item_without_a_position_goes_after_the_last(desk: Desk) -> None:
    add_item(desk, "Erstens", position=5)

    assert add_item(desk, "Danach").json["position"] == 6


@pytest.mark.parametrize("role", ["caseworker", "applicant"])
def test_caseworkers_and_applicants_cannot_change_a_checklist(desk: Desk, role: str) -> None:
    assert_problem(add_item(desk, "Frage", role=role), 403)


def test_applicants_cannot_read_a_programmes_checklist(desk: Desk) -> None:
    assert_problem(desk.client.get(checklist_url(desk), headers=desk.applicant), 403)


def test_an_unknown_programme_has_no_checklist(desk: Desk) -> None:
    url = f"{PROGRAMMES}/{uuid.uuid4()}/checklist"

    assert_problem(desk.client.post(url, json={"text": "Frage"}, headers=desk.headers_of("admin")), 404)


def test_an_item_needs_its_text(desk: Desk) -> None:
    assert_problem(add_item(desk, ""), 422, "text")


def test_an_item_can_be_reworded_and_made_optional(desk: Desk) -> None:
    item_id = define_checklist(desk)[0]
    url = f"{checklist_url(desk)}/{item_id}"

    response = desk.client.patch(url, json={"text": "Neu", "required": False}, headers=desk.approver)

    assert (response.status_code, response.json["text"], response.json["required"]) == (200, "Neu", False)


def test_a_retired_item_is_no_longer_asked_nor_needed_for_a_recommendation(desk: Desk) -> None:
    first, second, _ = define_checklist(desk)
    application_id = in_review(desk)

    response = desk.client.delete(f"{checklist_url(desk)}/{second}", headers=desk.headers_of("admin"))

    assert response.status_code == 204
    texts = [item["text"] for item in desk.client.get(checklist_url(desk), headers=desk.caseworker).json]
    assert QUESTIONS[1][0] not in texts
    save(desk, application_id, {"answers": answers((first, "met")), "recommended_cents": 300_000})
    assert desk.act(application_id, "recommend", desk.caseworker).status_code == 200


# --- saving the assessment ----------------------------------------------------------------------


def test_a_caseworker_saves_an_incomplete_assessment_and_sees_what_is_missing(desk: Desk) -> None:
    first, _, _ = define_checklist(desk)
    application_id = in_review(desk)

    response = save(desk, application_id, {"answers": answers((first, "met")), "comment": "Gut begründet."})

    assert response.status_code == 200, response.json
    assert response.json["complete"] is False
    assert response.json["missing"] == [QUESTIONS[1][0]]
    assert [(i["text"], i["answer"]) for i in response.json["items"]] == [
        (QUESTIONS[0][0], "met"),
        (QUESTIONS[1][0], None),
        (QUESTIONS[2][0], None),
    ]
    assert response.json["comment"] == "Gut begründet."


def test_saving_again_replaces_the_assessment(desk: Desk) -> None:
    first, second, _ = define_checklist(desk)
    application_id = in_review(desk)
    save(desk, application_id, {"answers": answers((first, "not_met")), "comment": "alt"})

    body = {"answers": answers((first, "met"), (second, "not_applicable")), "comment": "neu"}
    response = save(desk, application_id, body)

    assert response.json["complete"] is True
    assert [i["answer"] for i in response.json["items"]] == ["met", "not_applicable", None]
    assert response.json["comment"] == "neu"


def test_a_submitted_application_can_be_assessed_before_review_starts(desk: Desk) -> None:
    application_id = desk.in_state("submitted")

    assert save(desk, application_id, {"comment": "Erste Eindrücke"}).status_code == 200


@pytest.mark.parametrize("cents", [REQUESTED + 1, 0, -5])
def test_the_recommended_amount_must_be_above_zero_and_at_most_the_requested(desk: Desk, cents: int) -> None:
    application_id = in_review(desk)

    assert_problem(save(desk, application_id, {"recommended_cents": cents}), 422, "recommended_cents")


def test_an_amount_lower_than_requested_may_be_recommended(desk: Desk) -> None:
    application_id = in_review(desk)

    assert save(desk, application_id, {"recommended_cents": REQUESTED - 1}).json["recommended_cents"] == (
        REQUESTED - 1
    )


def test_an_answer_to_another_programmes_item_is_refused(desk: Desk, apps: Apps) -> None:
    other = builders.open_call(apps.funding, name="Integrationsfonds 2027")
    url = f"{PROGRAMMES}/{other.programme_id}/checklist"
    foreign = desk.client.post(url, json={"text": "Fremd"}, headers=desk.headers_of("admin")).json["id"]
    application_id = in_review(desk)

    assert_problem(save(desk, application_id, {"answers": answers((foreign, "met"))}), 422, "answers")


def test_an_item_answered_twice_is_refused(desk: Desk) -> None:
    first = define_checklist(desk)[0]
    application_id = in_review(desk)

    body = {"answers": answers((first, "met"), (first, "not_met"))}
    assert_problem(save(desk, application_id, body), 422, "answers")


def test_an_unknown_answer_is_refused_naming_the_answers(desk: Desk) -> None:
    first = define_checklist(desk)[0]
    application_id = in_review(desk)

    assert_problem(save(desk, application_id, {"answers": answers((first, "vielleicht"))}), 422, "answers")


@pytest.mark.parametrize("role", ["approver", "admin", "applicant"])
def test_only_a_caseworker_saves_an_assessment(desk: Desk, role: str) -> None:
    application_id = in_review(desk)

    assert_problem(save(desk, application_id, {"comment": "x"}, role=role), 403)


def test_a_draft_cannot_be_assessed(desk: Desk) -> None:
    assert_problem(save(desk, desk.draft(), {"comment": "zu früh"}), 409, "state")


def test_another_organisations_application_looks_like_none(desk: Desk, tokens: TokenMaker) -> None:
    application_id = in_review(desk)
    stranger = tokens.headers("applicant", orgs=(str(uuid.uuid4()),))

    assert_problem(read(desk, application_id, stranger), 404)


# --- reading it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["caseworker", "approver", "admin"])
def test_staff_read_the_assessment(desk: Desk, role: str) -> None:
    first = define_checklist(desk)[0]
    application_id = in_review(desk)
    save(desk, application_id, {"answers": answers((first, "met")), "comment": "Vertraulich"})

    response = read(desk, application_id, desk.headers_of(role))

    assert response.status_code == 200
    assert response.json["comment"] == "Vertraulich"
    assert response.json["assessor_id"] == desk.user_ids["caseworker"]


def test_the_applicant_cannot_read_the_assessment_of_their_own_application(desk: Desk) -> None:
    application_id = in_review(desk)
    save(desk, application_id, {"comment": "Vertraulich"})

    problem = assert_problem(read(desk, application_id, desk.applicant), 403)

    assert "Vertraulich" not in str(problem)


def test_an_unassessed_application_shows_the_empty_checklist(desk: Desk) -> None:
    define_checklist(desk)
    application_id = in_review(desk)

    body = read(desk, application_id, desk.caseworker).json

    assert [i["answer"] for i in body["items"]] == [None, None, None]
    assert body["missing"] == [QUESTIONS[0][0], QUESTIONS[1][0]]
    assert body["updated_at"] is None


# --- recommending on it ---------------------------------------------------------------------------


def test_recommending_before_every_required_item_is_answered_is_refused(desk: Desk) -> None:
    first, _, _ = define_checklist(desk)
    application_id = in_review(desk)
    save(desk, application_id, {"answers": answers((first, "met")), "recommended_cents": 300_000})

    problem = assert_problem(desk.act(application_id, "recommend", desk.caseworker), 422, "assessment")

    assert QUESTIONS[1][0] in problem["errors"]["assessment"][0]
    assert stored(desk.app, application_id).state == "in_review"
    assert outbox_rows(desk.app, "funding.application.recommended") == []


def test_recommending_on_a_complete_assessment_takes_its_amount_and_freezes_it(desk: Desk) -> None:
    first, second, _ = define_checklist(desk)
    application_id = in_review(desk)
    body = {"answers": answers((first, "met"), (second, "not_met")), "recommended_cents": 300_000}
    save(desk, application_id, body)

    response = desk.act(application_id, "recommend", desk.caseworker, {"comment": "Empfohlen"})

    assert (response.status_code, response.json["recommended_cents"]) == (200, 300_000)
    assessment = read(desk, application_id, desk.approver).json
    assert assessment["completed_at"] is not None
    assert [(i["text"], i["required"], i["answer"]) for i in assessment["items"]] == [
        (QUESTIONS[0][0], True, "met"),
        (QUESTIONS[1][0], True, "not_met"),
    ]
    assert_problem(save(desk, application_id, {"comment": "später"}), 409, "state")


def test_an_amount_given_with_the_recommendation_becomes_the_assessments(desk: Desk) -> None:
    application_id = in_review(desk)
    save(desk, application_id, {"recommended_cents": 300_000})

    desk.act(application_id, "recommend", desk.caseworker, {"recommended_cents": 250_000})

    assert stored(desk.app, application_id).recommended_cents == 250_000
    assert read(desk, application_id, desk.approver).json["recommended_cents"] == 250_000


def test_recommending_without_any_amount_is_refused_naming_the_amount(desk: Desk) -> None:
    application_id = in_review(desk)

    assert_problem(desk.act(application_id, "recommend", desk.caseworker), 422, "recommended_cents")


def test_a_programme_without_a_checklist_needs_only_the_amount(desk: Desk) -> None:
    application_id = in_review(desk)

    response = desk.act(application_id, "recommend", desk.caseworker, {"recommended_cents": 400_000})

    assert response.status_code == 200
    assert read(desk, application_id, desk.approver).json["assessor_id"] == desk.user_ids["caseworker"]
