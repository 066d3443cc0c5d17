"""The suppression list: addresses never mailed again until staff lift them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.notifications.models import Suppression
from services.notifications.schemas.suppressions import SuppressionQuerySchema, SuppressionSchema
from services.notifications.services import suppressions
from shared.auth import AuthError
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint(
    "suppressions", __name__, url_prefix="/notifications/api/v1/suppressions", description="Sperrliste"
)


def _require_staff() -> str:
    actor = current_actor()
    if not actor.is_staff:
        raise AuthError("only KI staff see the suppression list", status=403)
    return actor.user_id


@blp.route("")
class Suppressions(MethodView):
    @login_required
    @blp.arguments(SuppressionQuerySchema, location="query")
    @blp.response(200, SuppressionSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Suppression]:
        """Suppressed addresses, newest first; lifted ones only with ``include_lifted``."""
        _require_staff()
        with unit_of_work() as session:
            return suppressions.suppressions(session, query["address"], query["include_lifted"])


@blp.route("/<int:suppression_id>/lift")
class LiftSuppression(MethodView):
    @login_required
    @blp.response(200, SuppressionSchema)
    def post(self, suppression_id: int) -> Suppression:
        """Mail the address again (e.g. the mailbox exists after all); erased persons stay suppressed."""
        actor_id = _require_staff()
        with unit_of_work() as session:
            return suppressions.lift_suppression(session, suppression_id, actor_id)
