"""Network's HTTP API: Kategorien (/network/api/v1/taxonomies)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.models import TaxonomyTerm
from services.network.schemas import registry as schemas
from services.network.services import taxonomies
from shared.auth import Actor, AuthError
from shared.web import current_actor, unit_of_work

blp = Blueprint("taxonomies", __name__, url_prefix="/network/api/v1/taxonomies", description="Kategorien")


def _admin() -> Actor:
    actor = current_actor()
    if not actor.has_role("admin"):
        raise AuthError("only administrators may change the KI's lists", status=403)
    return actor


@blp.route("/<vocabulary>")
class Vocabulary(MethodView):
    @blp.arguments(schemas.TermListQuerySchema, location="query")
    @blp.response(200, schemas.TermSchema(many=True))
    def get(self, query: dict[str, Any], vocabulary: str) -> list[TaxonomyTerm]:
        """The active terms of a vocabulary, in display order (public)."""
        with unit_of_work() as session:
            return taxonomies.list_terms(session, vocabulary, query["include_inactive"])

    @blp.arguments(schemas.TermInputSchema)
    @blp.response(201, schemas.TermSchema)
    def post(self, data: dict[str, Any], vocabulary: str) -> TaxonomyTerm:
        """Add a term (admin)."""
        _admin()
        with unit_of_work() as session:
            return taxonomies.add_term(session, vocabulary, data)


@blp.route("/<vocabulary>/<key>")
class Term(MethodView):
    @blp.arguments(schemas.TermUpdateSchema)
    @blp.response(200, schemas.TermSchema)
    def patch(self, data: dict[str, Any], vocabulary: str, key: str) -> TaxonomyTerm:
        """Rename, reorder, deactivate or reactivate a term (admin)."""
        _admin()
        with unit_of_work() as session:
            return taxonomies.update_term(session, vocabulary, key, data)

    @blp.response(204)
    def delete(self, vocabulary: str, key: str) -> None:
        """Delete a term nothing uses (admin); a used term can only be deactivated."""
        _admin()
        with unit_of_work() as session:
            taxonomies.delete_term(session, vocabulary, key)
