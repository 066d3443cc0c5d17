"""Programmes and calls (Förderaufrufe)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX
from services.funding.models import Call
from services.funding.schemas.programmes import CallSchema
from services.funding.services import programmes as services
from shared.web import unit_of_work

blp = Blueprint("calls", __name__, url_prefix=f"{PREFIX}/calls", description="Förderaufrufe")


@blp.route("")
class OpenCalls(MethodView):
    @blp.response(200, CallSchema(many=True))
    def get(self) -> list[Call]:
        """Calls open for applications now."""
        with unit_of_work() as session:
            return services.list_open_calls(session)
