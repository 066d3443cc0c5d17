"""KI staff's decisions on applications: review, change requests, recommendation, approval, rejection."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX, act
from services.funding.models import Application
from services.funding.schemas.applications import (
    ApplicationSchema,
    CommentRequiredSchema,
    DecisionSchema,
    RecommendSchema,
    RejectSchema,
)
from services.funding.services import decisions
from shared.web import login_required

blp = Blueprint(
    "decisions", __name__, url_prefix=f"{PREFIX}/applications", description="Prüfung und Entscheidung"
)


@blp.route("/<uuid:application_id>/start_review")
class StartReview(MethodView):
    @login_required
    @blp.response(200, ApplicationSchema)
    def post(self, application_id: Any) -> Application:
        """A caseworker takes a submitted application into review."""
        return act(decisions.start_review, application_id)


@blp.route("/<uuid:application_id>/request_changes")
class RequestChanges(MethodView):
    @login_required
    @blp.arguments(CommentRequiredSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """A caseworker sends the application back; the comment says what to change."""
        return act(decisions.request_changes, application_id, **data)


@blp.route("/<uuid:application_id>/recommend")
class Recommend(MethodView):
    @login_required
    @blp.arguments(RecommendSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        return act(decisions.recommend_application, application_id, **data)


@blp.route("/<uuid:application_id>/approve")
class Approve(MethodView):
    @login_required
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        return act(decisions.approve_application, application_id, **data)


@blp.route("/<uuid:application_id>/reject")
class Reject(MethodView):
    @login_required
    @blp.arguments(RejectSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """An approver rejects the application, giving at least one reason."""
        return act(decisions.reject_application, application_id, **data)
