"""Budget overview per programme and year, funding history per organisation, exports."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX
from services.funding.schemas.overview import BudgetLineSchema, BudgetQuerySchema, FundingHistorySchema
from services.funding.services import exports, overview
from services.funding.services.exports import Table
from shared import spreadsheets
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint("overview", __name__, url_prefix=PREFIX, description="Haushaltsübersicht")
FILE_FORMATS = "any(csv, xlsx)"
FILE_RESPONSE = {
    "description": "The table as a file",
    "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in (spreadsheets.CSV_MEDIA_TYPE, spreadsheets.XLSX_MEDIA_TYPE)
    },
}


@blp.route("/budgets")
class Budgets(MethodView):
    @login_required
    @blp.arguments(BudgetQuerySchema, location="query")
    @blp.response(200, BudgetLineSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[overview.BudgetLine]:
        """Staff only: per programme and year budget, committed, paid out, returned, available."""
        return _budget_lines(args)


@blp.route(f"/budgets/export.<{FILE_FORMATS}:file_format>")
class BudgetsExport(MethodView):
    @login_required
    @blp.arguments(BudgetQuerySchema, location="query")
    @blp.doc(responses={"200": FILE_RESPONSE})
    def get(self, args: dict[str, Any], file_format: str) -> Response:
        """Staff only: the budget overview as CSV (``;``, decimal comma, UTF-8 BOM) or XLSX."""
        return _download(exports.budget_table(_budget_lines(args)), file_format)


@blp.route("/organizations/<uuid:organization_id>/funding-history")
class FundingHistory(MethodView):
    @login_required
    @blp.response(200, FundingHistorySchema)
    def get(self, organization_id: Any) -> overview.FundingHistory:
        """Every application of the organisation: for staff and the organisation's own members."""
        return _history(organization_id)


@blp.route(f"/organizations/<uuid:organization_id>/funding-history/export.<{FILE_FORMATS}:file_format>")
class FundingHistoryExport(MethodView):
    @login_required
    @blp.doc(responses={"200": FILE_RESPONSE})
    def get(self, organization_id: Any, file_format: str) -> Response:
        """The organisation's funding history as CSV or XLSX."""
        return _download(exports.history_table(_history(organization_id)), file_format)


def _budget_lines(args: dict[str, Any]) -> list[overview.BudgetLine]:
    actor = current_actor()
    programme_id = str(args["programme_id"]) if args.get("programme_id") else None
    with unit_of_work() as session:
        return overview.budget_overview(session, actor, args.get("year"), programme_id)


def _history(organization_id: Any) -> overview.FundingHistory:
    actor = current_actor()
    with unit_of_work() as session:
        return overview.funding_history(session, actor, str(organization_id))


def _download(table: Table, file_format: str) -> Response:
    body, media_type = exports.render(table, file_format)
    disposition = f'attachment; filename="{table.name}.{file_format}"'
    return Response(body, mimetype=media_type, headers={"Content-Disposition": disposition})
