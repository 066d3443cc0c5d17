"""KI staff's work on applications: checklists, review, assessment, recommendation, decision, letters."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX, act, settings
from services.funding.models import Application
from services.funding.models.assessments import ChecklistItem
from services.funding.schemas.applications import (
    ApplicationSchema,
    CommentRequiredSchema,
    DecisionSchema,
    RejectSchema,
)
from services.funding.schemas.decisions import (
    AssessmentRequestSchema,
    AssessmentSchema,
    ChecklistItemChangeSchema,
    ChecklistItemCreateSchema,
    ChecklistItemSchema,
    RecommendRequestSchema,
)
from services.funding.services import decisions, letters
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint("decisions", __name__, url_prefix=PREFIX, description="Prüfung und Entscheidung")
APPLICATION = "/applications/<uuid:application_id>"
CHECKLIST = "/programmes/<uuid:programme_id>/checklist"


def report_due_days() -> int:
    """Days after the project's end the proof of use is due (stated in the Zuwendungsbescheid)."""
    return settings().report_due_days


@blp.route(CHECKLIST)
class Checklist(MethodView):
    @login_required
    @blp.response(200, ChecklistItemSchema(many=True))
    def get(self, programme_id: Any) -> list[ChecklistItem]:
        """Staff: the programme's checklist in order."""
        with unit_of_work() as session:
            return decisions.list_checklist(session, current_actor(), str(programme_id))

    @login_required
    @blp.arguments(ChecklistItemCreateSchema)
    @blp.response(201, ChecklistItemSchema)
    def post(self, data: dict[str, Any], programme_id: Any) -> ChecklistItem:
        """Approvers and admins add an item caseworkers answer for every application."""
        with unit_of_work() as session:
            return decisions.add_checklist_item(session, current_actor(), str(programme_id), data)


@blp.route(f"{CHECKLIST}/<uuid:item_id>")
class ChecklistItemView(MethodView):
    @login_required
    @blp.arguments(ChecklistItemChangeSchema)
    @blp.response(200, ChecklistItemSchema)
    def patch(self, data: dict[str, Any], programme_id: Any, item_id: Any) -> ChecklistItem:
        with unit_of_work() as session:
            ids = str(programme_id), str(item_id)
            return decisions.change_checklist_item(session, current_actor(), *ids, data)

    @login_required
    @blp.response(204)
    def delete(self, programme_id: Any, item_id: Any) -> None:
        """Retire the item: it is no longer asked; assessments that answered it keep their answer."""
        with unit_of_work() as session:
            decisions.retire_checklist_item(session, current_actor(), str(programme_id), str(item_id))


@blp.route(f"{APPLICATION}/assessment")
class AssessmentResource(MethodView):
    @login_required
    @blp.response(200, AssessmentSchema)
    def get(self, application_id: Any) -> decisions.AssessmentView:
        """Staff only: the checklist with the caseworker's answers, comment and recommended amount."""
        with unit_of_work() as session:
            return decisions.get_assessment(session, str(application_id), current_actor())

    @login_required
    @blp.arguments(AssessmentRequestSchema)
    @blp.response(200, AssessmentSchema)
    def put(self, data: dict[str, Any], application_id: Any) -> decisions.AssessmentView:
        """A caseworker saves the assessment (while submitted or in review); it may be incomplete."""
        answers = [{**answer, "item_id": str(answer["item_id"])} for answer in data.pop("answers")]
        with unit_of_work() as session:
            return decisions.save_assessment(session, str(application_id), current_actor(), answers, **data)


@blp.route(f"{APPLICATION}/start_review")
class StartReview(MethodView):
    @login_required
    @blp.response(200, ApplicationSchema)
    def post(self, application_id: Any) -> Application:
        """A caseworker takes a submitted application into review."""
        return act(decisions.start_review, application_id)


@blp.route(f"{APPLICATION}/request_changes")
class RequestChanges(MethodView):
    @login_required
    @blp.arguments(CommentRequiredSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """A caseworker sends the application back; the comment says what to change."""
        return act(decisions.request_changes, application_id, **data)


@blp.route(f"{APPLICATION}/recommend")
class Recommend(MethodView):
    @login_required
    @blp.arguments(RecommendRequestSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """A caseworker recommends on the saved assessment; every required checklist item must be answered."""
        return act(decisions.recommend_application, application_id, **data)


@blp.route(f"{APPLICATION}/approve")
class Approve(MethodView):
    @login_required
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """An approver other than the recommender approves; the Zuwendungsbescheid is issued with it."""
        return act(decisions.approve_application, application_id, **data, report_due_days=report_due_days())


@blp.route(f"{APPLICATION}/reject")
class Reject(MethodView):
    @login_required
    @blp.arguments(RejectSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """An approver rejects the application with reasons; the Ablehnungsbescheid states them."""
        return act(decisions.reject_application, application_id, **data, report_due_days=report_due_days())


@blp.route(f"{APPLICATION}/letter")
class Letter(MethodView):
    @login_required
    @blp.response(200, content_type="application/pdf", description="The decision letter as issued")
    def get(self, application_id: Any) -> Response:
        """The Zuwendungs- or Ablehnungsbescheid, for the applying organisation and staff."""
        with unit_of_work() as session:
            letter = letters.get_letter(session, str(application_id), current_actor())
            response = Response(letter.pdf, mimetype="application/pdf")
            response.set_etag(letter.sha256)
            response.headers["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
            return response
