"""Network's HTTP API: Suche im Verzeichnis (/network/api/v1/search)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.schemas.search import ExportArgsSchema, PageArgsSchema, SearchResultSchema
from services.network.services import exports
from services.network.services import search as services
from services.network.services.organizations import require_staff
from shared import spreadsheets
from shared.auth import Actor
from shared.web import current_actor, login_required, service_context, unit_of_work

MEDIA_TYPES = {"csv": spreadsheets.CSV_MEDIA_TYPE, "xlsx": spreadsheets.XLSX_MEDIA_TYPE}
blp = Blueprint("search", __name__, url_prefix="/network/api/v1/search", description="Suche im Verzeichnis")


def optional_actor() -> Actor | None:
    """Anonymous callers may search; a token that is sent must be valid."""
    return current_actor() if request.headers.get("Authorization") else None


@blp.route("/organizations")
class SearchOrganizations(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, SearchResultSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Full-text search over names and descriptions, with facet counts.

        Staff see every status; everyone else only verified organisations. Anonymous callers get
        public fields; signed-in users also the organisation's own address, email and phone;
        staff also status and dates. Contact persons never appear. Each facet is counted with all
        other filters applied. Results are ordered by relevance, then by name.
        """
        actor = optional_actor()
        query = services.query_from(args, actor, args["page"], args["per_page"])
        with unit_of_work() as session:
            return services.search_view(session, query, actor)


@blp.route("/organizations/export")
class ExportOrganizations(MethodView):
    @login_required
    @blp.arguments(ExportArgsSchema, location="query")
    def get(self, args: dict[str, Any]) -> Response:
        """Every organisation matching the search as CSV (UTF-8 with BOM, ``;``) or XLSX (staff only)."""
        actor = current_actor()
        require_staff(actor)
        query = services.query_from(args, actor)
        body = exports.table(service_context().session_factory, query, args["format"])
        disposition = f'attachment; filename="{exports.file_name(args["format"])}"'
        return Response(
            body, mimetype=MEDIA_TYPES[args["format"]], headers={"Content-Disposition": disposition}
        )
