"""Programmes (with rules and yearly budgets) and calls (Förderaufrufe).

Staff (caseworker, approver, admin) read everything; approvers and admins create, change and
publish. Anyone reads the published calls that are open now (``GET /calls``) and a published call.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX
from services.funding.models import Call, Programme
from services.funding.schemas.programmes import (
    CallChangeSchema,
    CallCreateSchema,
    CallQuerySchema,
    CallSchema,
    ProgrammeChangeSchema,
    ProgrammeCreateSchema,
    ProgrammeSchema,
)
from services.funding.services import programmes as services
from shared.auth import Actor
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint("calls", __name__, url_prefix=PREFIX, description="Förderprogramme und Förderaufrufe")


@blp.route("/programmes")
class Programmes(MethodView):
    @login_required
    @blp.response(200, ProgrammeSchema(many=True))
    def get(self) -> list[Programme]:
        """Staff: every programme with its rules and yearly budgets."""
        with unit_of_work() as session:
            return services.list_programmes(session, current_actor())

    @login_required
    @blp.arguments(ProgrammeCreateSchema)
    @blp.response(201, ProgrammeSchema)
    def post(self, data: dict[str, Any]) -> Programme:
        """Approvers and admins: a new programme with its rules and budgets."""
        with unit_of_work() as session:
            return services.create_programme(session, current_actor(), data)


@blp.route("/programmes/<uuid:programme_id>")
class OneProgramme(MethodView):
    @login_required
    @blp.response(200, ProgrammeSchema)
    def get(self, programme_id: Any) -> Programme:
        with unit_of_work() as session:
            return services.get_programme(session, current_actor(), str(programme_id))

    @login_required
    @blp.arguments(ProgrammeChangeSchema)
    @blp.response(200, ProgrammeSchema)
    def patch(self, data: dict[str, Any], programme_id: Any) -> Programme:
        """Approvers and admins: change rules or set a year's budget (never below what is committed)."""
        with unit_of_work() as session:
            return services.update_programme(session, current_actor(), str(programme_id), data)


@blp.route("/calls")
class Calls(MethodView):
    @blp.response(200, CallSchema(many=True))
    def get(self) -> list[Call]:
        """Published calls open for applications now; no sign-in needed."""
        with unit_of_work() as session:
            return services.list_open_calls(session)

    @login_required
    @blp.arguments(CallCreateSchema)
    @blp.response(201, CallSchema)
    def post(self, data: dict[str, Any]) -> Call:
        """Approvers and admins: a draft call; opens_at/closes_at in Berlin local time."""
        with unit_of_work() as session:
            return services.create_call(session, current_actor(), data)


@blp.route("/calls/all")
class AllCalls(MethodView):
    @login_required
    @blp.arguments(CallQuerySchema, location="query")
    @blp.response(200, CallSchema(many=True))
    def get(self, filters: dict[str, Any]) -> list[Call]:
        """Staff: drafts and published calls, open or not."""
        with unit_of_work() as session:
            return services.list_calls(session, current_actor(), filters)


@blp.route("/calls/<uuid:call_id>")
class OneCall(MethodView):
    @blp.response(200, CallSchema)
    def get(self, call_id: Any) -> Call:
        """A published call for anyone; a draft only for staff."""
        with unit_of_work() as session:
            return services.get_call(session, _optional_actor(), str(call_id))

    @login_required
    @blp.arguments(CallChangeSchema)
    @blp.response(200, CallSchema)
    def patch(self, data: dict[str, Any], call_id: Any) -> Call:
        """Approvers and admins: change a draft call."""
        with unit_of_work() as session:
            return services.update_call(session, current_actor(), str(call_id), data)


@blp.route("/calls/<uuid:call_id>/publish")
class PublishCall(MethodView):
    @login_required
    @blp.response(200, CallSchema)
    def post(self, call_id: Any) -> Call:
        """Approvers and admins: publish a draft call; emits funding.call.published."""
        portal_url = service_context().settings.portal_url  # type: ignore[attr-defined]
        with unit_of_work() as session:
            return services.publish_call(session, current_actor(), str(call_id), portal_url)


def _optional_actor() -> Actor | None:
    return current_actor() if request.headers.get("Authorization") else None
