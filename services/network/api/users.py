"""Network's HTTP API: Benutzerkonten und Rollen (/network/api/v1/users); admins write, caseworkers read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.models import AccountAudit, User
from services.network.schemas.identity import (
    AuditEntrySchema,
    MembershipSchema,
    RolesSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
)
from services.network.services import accounts
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint(
    "users", __name__, url_prefix="/network/api/v1/users", description="Benutzerkonten und Rollen"
)


@blp.route("")
class Users(MethodView):
    @login_required
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[User]:
        """Find users by part of their email, a role or an organisation (admins and caseworkers)."""
        accounts.require_reader(current_actor())
        organization_id = str(query["organization_id"]) if query.get("organization_id") else None
        with unit_of_work() as session:
            return accounts.list_users(session, query.get("q"), query.get("role"), organization_id)

    @login_required
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> User:
        """Create a user with roles and memberships; they get an email to set their password."""
        actor = current_actor()
        accounts.require_admin(actor)
        settings = service_context().settings
        with unit_of_work() as session:
            return accounts.create_user(session, actor, data, settings.public_url, settings.clock())


@blp.route("/<uuid:user_id>")
class OneUser(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id: UUID) -> User:
        """One user's account, roles and memberships (admins and caseworkers)."""
        accounts.require_reader(current_actor())
        with unit_of_work() as session:
            return accounts.get_user(session, str(user_id))


@blp.route("/<uuid:user_id>/roles")
class Roles(MethodView):
    @login_required
    @blp.arguments(RolesSchema)
    @blp.response(200, UserSchema)
    def put(self, body: dict[str, list[str]], user_id: UUID) -> User:
        """Replace the user's roles; removing a role ends the user's sessions everywhere."""
        actor = current_actor()
        accounts.require_admin(actor)
        with unit_of_work() as session:
            return accounts.set_roles(session, actor, str(user_id), body["roles"])


@blp.route("/<uuid:user_id>/memberships")
class Memberships(MethodView):
    @login_required
    @blp.arguments(MembershipSchema)
    @blp.response(200, UserSchema)
    def post(self, body: dict[str, UUID], user_id: UUID) -> User:
        """Make the user a member of an existing organisation."""
        actor = current_actor()
        accounts.require_admin(actor)
        with unit_of_work() as session:
            return accounts.add_membership(session, actor, str(user_id), str(body["organization_id"]))


@blp.route("/<uuid:user_id>/memberships/<uuid:organization_id>")
class OneMembership(MethodView):
    @blp.response(200, UserSchema)
    def delete(self, user_id: UUID, organization_id: UUID) -> User:
        """End the membership; the user's sessions end everywhere."""
        actor = current_actor()
        accounts.require_admin(actor)
        with unit_of_work() as session:
            return accounts.remove_membership(session, actor, str(user_id), str(organization_id))


@blp.route("/<uuid:user_id>/deactivate")
class Deactivate(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id: UUID) -> User:
        """Deactivate the account: no more sign-in, and its sessions end everywhere."""
        actor = current_actor()
        accounts.require_admin(actor)
        with unit_of_work() as session:
            return accounts.set_active(session, actor, str(user_id), False)


@blp.route("/<uuid:user_id>/reactivate")
class Reactivate(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id: UUID) -> User:
        """Allow a deactivated account to sign in again."""
        actor = current_actor()
        accounts.require_admin(actor)
        with unit_of_work() as session:
            return accounts.set_active(session, actor, str(user_id), True)


@blp.route("/<uuid:user_id>/audit")
class Audit(MethodView):
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, user_id: UUID) -> list[AccountAudit]:
        """Every recorded change to this account, its roles, memberships and sessions (admins)."""
        accounts.require_admin(current_actor())
        with unit_of_work() as session:
            return accounts.audit_trail(session, str(user_id))
