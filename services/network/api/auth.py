"""Network's HTTP API: sign-in, sessions and passwords (/network/api/v1/auth)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.network.schemas.identity import (
    ActorSchema,
    PasswordChangeSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    RefreshRequestSchema,
    TokenRequestSchema,
    TokenResponseSchema,
)
from services.network.services import identity as services
from shared.auth import Actor
from shared.config import ConfigError
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint("auth", __name__, url_prefix="/network/api/v1/auth", description="Sign-in")


def _signer() -> services.Signer:
    settings = service_context().settings
    if settings.jwt_private_key is None:
        raise ConfigError("NETWORK_JWT_PRIVATE_KEY(_FILE) is not set")
    return services.Signer(settings.jwt_private_key, settings.token_ttl)


def _now():  # type: ignore[no-untyped-def]
    return service_context().settings.clock()


def _answer(outcome: services.Tokens | Exception) -> dict[str, Any]:
    """Raise a refusal only now, after the failure count was committed."""
    if isinstance(outcome, services.LockedOut):
        abort(429, message=outcome.message, headers={"Retry-After": str(outcome.retry_after)})
    if isinstance(outcome, Exception):
        raise outcome
    return {
        "access_token": outcome.access_token,
        "refresh_token": outcome.refresh_token,
        "token_type": "Bearer",
        "expires_in": int(service_context().settings.token_ttl.total_seconds()),
    }


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """Exchange email and password for a short-lived access token and a refresh token.

        After 5 failed attempts for an email within 15 minutes, sign-in for it pauses for
        15 minutes (429 with Retry-After), whether or not the account exists."""
        signer = _signer()
        with unit_of_work() as session:
            outcome = services.sign_in(session, credentials["email"], credentials["password"], signer, _now())
        return _answer(outcome)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(200, TokenResponseSchema)
    def post(self, body: dict[str, str]) -> dict[str, Any]:
        """Exchange a refresh token for new tokens; the old refresh token stops working.

        Presenting an already exchanged refresh token ends its whole session (theft detection)."""
        signer = _signer()
        with unit_of_work() as session:
            outcome = services.refresh(session, body["refresh_token"], signer, _now())
        return _answer(outcome)


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self) -> None:
        """End the session of this access token, here and at every service."""
        actor = current_actor()
        with unit_of_work() as session:
            services.logout(session, actor)


@blp.route("/password")
class Password(MethodView):
    @login_required
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    def post(self, body: dict[str, str]) -> None:
        """Change the caller's password (at least 12 characters); every session ends, sign in again."""
        actor = current_actor()
        with unit_of_work() as session:
            services.change_password(session, actor, body["current_password"], body["new_password"])


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202)
    def post(self, body: dict[str, str]) -> None:
        """Email a one-hour, single-use link to set a new password; the answer is the same for
        every address, known or not."""
        portal = service_context().settings.public_url
        with unit_of_work() as session:
            services.request_password_reset(session, body["email"], portal, _now())


@blp.route("/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(204)
    def post(self, body: dict[str, str]) -> None:
        """Set a new password with the emailed token; the token then stops working and every
        session of the account ends."""
        with unit_of_work() as session:
            services.confirm_password_reset(session, body["token"], body["new_password"], _now())


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, ActorSchema)
    def get(self) -> Actor:
        """Who the bearer token says the caller is."""
        return current_actor()
