"""Funding's HTTP API under /funding/api/v1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding import services
from services.funding.models import Application, Call
from services.funding.schemas import (
    ApplicationCreateSchema,
    ApplicationSchema,
    AuditTrailSchema,
    CallSchema,
    CommentRequiredSchema,
    DecisionSchema,
    RecommendSchema,
    RejectSchema,
)
from shared.web import current_actor, login_required, unit_of_work

PREFIX = "/funding/api/v1"
calls = Blueprint("calls", __name__, url_prefix=f"{PREFIX}/calls", description="Förderaufrufe")
applications = Blueprint(
    "applications", __name__, url_prefix=f"{PREFIX}/applications", description="Förderanträge"
)


@calls.route("")
class OpenCalls(MethodView):
    @calls.response(200, CallSchema(many=True))
    def get(self) -> list[Call]:
        """Calls open for applications now."""
        with unit_of_work() as session:
            return services.list_open_calls(session)


@applications.route("")
class Applications(MethodView):
    @applications.response(200, ApplicationSchema(many=True))
    def get(self) -> list[Application]:
        """Applications the caller may see: staff all, applicants their organisations' own."""
        actor = current_actor()
        with unit_of_work() as session:
            return services.list_applications(session, actor)

    @login_required
    @applications.arguments(ApplicationCreateSchema)
    @applications.response(201, ApplicationSchema)
    def post(self, data: dict[str, Any]) -> Application:
        """Save a new application as a draft; the requested amount is computed, never sent."""
        actor = current_actor()
        data = {**data, "call_id": str(data["call_id"]), "organization_id": str(data["organization_id"])}
        with unit_of_work() as session:
            return services.create_application(session, actor, data)


def _act(use_case: Callable[..., Application], application_id: Any, **data: Any) -> Application:
    """Run one workflow action for the caller in one transaction; the body's fields are its arguments."""
    actor = current_actor()
    with unit_of_work() as session:
        return use_case(session, str(application_id), actor, **data)


@applications.route("/<uuid:application_id>")
class OneApplication(MethodView):
    @login_required
    @applications.response(200, ApplicationSchema)
    def get(self, application_id: Any) -> Application:
        actor = current_actor()
        with unit_of_work() as session:
            return services.get_application(session, str(application_id), actor)


@applications.route("/<uuid:application_id>/submit")
class Submit(MethodView):
    @login_required
    @applications.response(200, ApplicationSchema)
    def post(self, application_id: Any) -> Application:
        return _act(services.submit_application, application_id)


@applications.route("/<uuid:application_id>/recommend")
class Recommend(MethodView):
    @login_required
    @applications.arguments(RecommendSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        return _act(services.recommend_application, application_id, **data)


@applications.route("/<uuid:application_id>/approve")
class Approve(MethodView):
    @login_required
    @applications.arguments(DecisionSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        return _act(services.approve_application, application_id, **data)


@applications.route("/<uuid:application_id>/start_review")
class StartReview(MethodView):
    @login_required
    @applications.response(200, ApplicationSchema)
    def post(self, application_id: Any) -> Application:
        """A caseworker takes a submitted application into review."""
        return _act(services.start_review, application_id)


@applications.route("/<uuid:application_id>/request_changes")
class RequestChanges(MethodView):
    @login_required
    @applications.arguments(CommentRequiredSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """A caseworker sends the application back; the comment says what to change."""
        return _act(services.request_changes, application_id, **data)


@applications.route("/<uuid:application_id>/resubmit")
class Resubmit(MethodView):
    @login_required
    @applications.arguments(DecisionSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """The applicant answers a change request; the application goes back into review."""
        return _act(services.resubmit_application, application_id, **data)


@applications.route("/<uuid:application_id>/reject")
class Reject(MethodView):
    @login_required
    @applications.arguments(RejectSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """An approver rejects the application, giving at least one reason."""
        return _act(services.reject_application, application_id, **data)


@applications.route("/<uuid:application_id>/withdraw")
class Withdraw(MethodView):
    @login_required
    @applications.arguments(DecisionSchema)
    @applications.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """The applying organisation withdraws an open application."""
        return _act(services.withdraw_application, application_id, **data)


@applications.route("/<uuid:application_id>/audit")
class AuditTrail(MethodView):
    @login_required
    @applications.response(200, AuditTrailSchema)
    def get(self, application_id: Any) -> dict[str, Any]:
        """Staff only: the append-only trail and whether its hash chain is intact."""
        actor = current_actor()
        with unit_of_work() as session:
            entries = services.audit_trail(session, str(application_id), actor)
            intact, broken = services.verify_audit_trail(session, str(application_id))
            return {"entries": entries, "intact": intact, "first_broken_entry": broken}
