"""Proof of use (Verwendungsnachweis): submission, review, closing the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX, settings
from services.funding.schemas.reports import (
    ReportChangesSchema,
    ReportCommentSchema,
    ReportSchema,
    ReportSubmitSchema,
)
from services.funding.services import reports
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint("reports", __name__, url_prefix=PREFIX, description="Verwendungsnachweis")
REPORT = "/applications/<uuid:application_id>/report"


@blp.route(REPORT)
class Report(MethodView):
    @login_required
    @blp.response(200, ReportSchema)
    def get(self, application_id: Any) -> reports.ReportView:
        """The report, its due date, and the plan against the actual costs per category."""
        return _then_view(None, application_id)

    @login_required
    @blp.arguments(ReportSubmitSchema)
    @blp.response(200, ReportSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> reports.ReportView:
        """The organisation submits (or, after a change request, resubmits) its proof of use."""
        return _then_view(reports.submit_report, application_id, **data)


@blp.route(f"{REPORT}/request_changes")
class RequestReportChanges(MethodView):
    @login_required
    @blp.arguments(ReportChangesSchema)
    @blp.response(200, ReportSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> reports.ReportView:
        """A caseworker sends the report back; the comment says what to change."""
        return _then_view(reports.request_report_changes, application_id, **data)


@blp.route(f"{REPORT}/accept")
class AcceptReport(MethodView):
    @login_required
    @blp.arguments(ReportCommentSchema)
    @blp.response(200, ReportSchema)
    def post(self, data: dict[str, Any], application_id: Any) -> reports.ReportView:
        """A caseworker accepts the report: the case closes and unspent money returns to the programme."""
        return _then_view(reports.accept_report, application_id, **data)


def _then_view(use_case: Callable[..., Any] | None, application_id: Any, **data: Any) -> reports.ReportView:
    """Run the use case (if any) and answer with the report as it now stands, in one transaction."""
    actor, application_id = current_actor(), str(application_id)
    due_days = settings().report_due_days
    with unit_of_work() as session:
        if use_case is not None:
            use_case(session, application_id, actor, **data)
        return reports.report_view(session, application_id, actor, due_days)
