"""Network's HTTP API under /network/api/v1."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.schemas.identity import ActorSchema, TokenRequestSchema, TokenResponseSchema
from services.network.services import identity as services
from shared.auth import Actor
from shared.config import ConfigError
from shared.web import current_actor, service_context, unit_of_work

blp = Blueprint("auth", __name__, url_prefix="/network/api/v1/auth", description="Sign-in")


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """Exchange email and password for a short-lived bearer token."""
        settings = service_context().settings
        if settings.jwt_private_key is None:
            raise ConfigError("NETWORK_JWT_PRIVATE_KEY(_FILE) is not set")
        with unit_of_work() as session:
            token = services.issue_access_token(
                session,
                credentials["email"],
                credentials["password"],
                settings.jwt_private_key,
                settings.token_ttl,
            )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(settings.token_ttl.total_seconds()),
        }


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, ActorSchema)
    def get(self) -> Actor:
        """Who the bearer token says the caller is."""
        return current_actor()
