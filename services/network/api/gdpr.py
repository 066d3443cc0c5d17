"""Network's HTTP API: Datenschutz (DSGVO) (/network/api/v1/gdpr)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.schemas.gdpr import ContactExportSchema, ErasureRequestSchema, ErasureSchema
from services.network.services import gdpr as services
from shared.auth import Actor, AuthError
from shared.web import current_actor, unit_of_work

blp = Blueprint("gdpr", __name__, url_prefix="/network/api/v1/gdpr", description="Datenschutz (DSGVO)")


def require_admin() -> Actor:
    actor = current_actor()
    if not actor.has_role("admin"):
        raise AuthError("only administrators handle data protection requests", status=403)
    return actor


@blp.route("/contacts/<string:contact_id>/export")
class Export(MethodView):
    @blp.response(200, ContactExportSchema)
    def get(self, contact_id: str) -> dict[str, Any]:
        """Everything network holds about a contact person, machine-readable (administrators)."""
        require_admin()
        with unit_of_work() as session:
            return services.export(session, contact_id)


@blp.route("/contacts/<string:contact_id>/erase")
class Erase(MethodView):
    @blp.arguments(ErasureRequestSchema)
    @blp.response(200, ErasureSchema)
    @blp.alt_response(409, description="a retention duty still holds a record; `errors.retention` says which")
    def post(self, request: dict[str, str], contact_id: str) -> dict[str, Any]:
        """Anonymise a contact person everywhere in network and tell the other services (administrators)."""
        actor = require_admin()
        with unit_of_work() as session:
            contact = services.erase(session, contact_id, request["reason"], actor.user_id)
        return {"contact_id": contact.id, "erased_at": contact.erased_at, "reason": request["reason"]}
