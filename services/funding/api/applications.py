"""Applications: drafts, submission, resubmission, withdrawal, and the audit trail."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX, act
from services.funding.models import Application
from services.funding.models.applications import BudgetVersion
from services.funding.schemas.applications import (
    ApplicationChangeSchema,
    ApplicationCreateSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    AuditTrailSchema,
    BudgetComparisonSchema,
    BudgetVersionSchema,
    CompareQuerySchema,
    DecisionSchema,
)
from services.funding.services import applications as services
from services.funding.services import workflow
from shared.paging import total_header
from shared.web import current_actor, login_required, unit_of_work

PAGE_HEADERS = total_header("applications")

blp = Blueprint("applications", __name__, url_prefix=f"{PREFIX}/applications", description="Förderanträge")


@blp.route("")
class Applications(MethodView):
    @login_required
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, ApplicationSchema(many=True), headers=PAGE_HEADERS)
    def get(self, filters: dict[str, Any]) -> tuple[list[Application], dict[str, str]]:
        """Applications the caller may see (staff all, applicants their organisations'), newest first.

        Filters combine (and); ``page``/``per_page`` (at most 100) select the page; the body is the
        page's list and the ``X-Total-Count`` header the number of all matches.
        """
        actor = current_actor()
        with unit_of_work() as session:
            page = services.list_applications(session, actor, filters)
            return page.items, {"X-Total-Count": str(page.total)}

    @login_required
    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationSchema)
    def post(self, data: dict[str, Any]) -> Application:
        """Save a new application as a draft; the requested amount is computed, never sent."""
        actor = current_actor()
        data = {**data, "call_id": str(data["call_id"]), "organization_id": str(data["organization_id"])}
        with unit_of_work() as session:
            return services.create_application(session, actor, data)


@blp.route("/<uuid:application_id>")
class OneApplication(MethodView):
    @login_required
    @blp.response(200, ApplicationSchema)
    def get(self, application_id: Any) -> Application:
        actor = current_actor()
        with unit_of_work() as session:
            return workflow.get_application(session, str(application_id), actor)

    @login_required
    @blp.arguments(ApplicationChangeSchema)
    @blp.response(200, ApplicationSchema)
    def patch(self, data: dict[str, Any], application_id: Any) -> Application:
        """The applying organisation changes a draft, or an application sent back for changes."""
        return act(services.update_application, application_id, data=data)


@blp.route("/<uuid:application_id>/budget-versions")
class BudgetVersions(MethodView):
    @login_required
    @blp.response(200, BudgetVersionSchema(many=True))
    def get(self, application_id: Any) -> list[BudgetVersion]:
        """The budget plan as submitted (1) and at each resubmission; staff and the applying organisation."""
        with unit_of_work() as session:
            return services.budget_versions(session, str(application_id), current_actor())


@blp.route("/<uuid:application_id>/budget-versions/compare")
class CompareBudgetVersions(MethodView):
    @login_required
    @blp.arguments(CompareQuerySchema, location="query")
    @blp.response(200, BudgetComparisonSchema)
    def get(self, query: dict[str, Any], application_id: Any) -> dict[str, Any]:
        """Differences in cents (to − from) per cost line, per category and in the totals."""
        with unit_of_work() as session:
            return services.compare_budget_versions(
                session, str(application_id), current_actor(), query["from_number"], query["to_number"]
            )


@blp.route("/<uuid:application_id>/submit")
class Submit(MethodView):
    @login_required
    @blp.response(200, ApplicationSchema)
    def post(self, application_id: Any) -> Application:
        return act(services.submit_application, application_id)


@blp.route("/<uuid:application_id>/resubmit")
class Resubmit(MethodView):
    @login_required
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """The applicant answers a change request; the application goes back into review."""
        return act(services.resubmit_application, application_id, **data)


@blp.route("/<uuid:application_id>/withdraw")
class Withdraw(MethodView):
    @login_required
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApplicationSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> Application:
        """The applying organisation withdraws an open application."""
        return act(services.withdraw_application, application_id, **data)


@blp.route("/<uuid:application_id>/audit")
class AuditTrail(MethodView):
    @login_required
    @blp.response(200, AuditTrailSchema)
    def get(self, application_id: Any) -> dict[str, Any]:
        """Staff only: the append-only trail and whether its hash chain is intact."""
        actor = current_actor()
        with unit_of_work() as session:
            entries = workflow.audit_trail(session, str(application_id), actor)
            intact, broken = workflow.verify_audit_trail(session, str(application_id))
            return {"entries": entries, "intact": intact, "first_broken_entry": broken}
