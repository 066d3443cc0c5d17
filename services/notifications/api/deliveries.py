"""The delivery log: what was sent to whom for which event, and how it went."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.notifications.models import Email
from services.notifications.schemas.deliveries import DeliveryQuerySchema, DeliverySchema
from services.notifications.services import deliveries
from shared.auth import AuthError
from shared.paging import total_header
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint(
    "deliveries", __name__, url_prefix="/notifications/api/v1/deliveries", description="Versandprotokoll"
)


@blp.route("")
class Deliveries(MethodView):
    @login_required
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True), headers=total_header("emails"))
    def get(self, query: dict[str, Any]) -> tuple[list[Email], dict[str, str]]:
        """The delivery log, newest first, by event and/or by recipient; ``page``/``per_page`` (at
        most 100) select the page, the ``X-Total-Count`` header tells how many emails match."""
        if not current_actor().is_staff:
            raise AuthError("only KI staff see the delivery log", status=403)
        event_id = str(query["event_id"]) if query["event_id"] else None
        with unit_of_work() as session:
            page = deliveries.delivery_log(
                session, event_id, query["recipient"], query["page"], query["per_page"]
            )
            return page.items, {"X-Total-Count": str(page.total)}
