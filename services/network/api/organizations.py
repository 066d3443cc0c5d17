"""Network's HTTP API: Organisationen (/network/api/v1/organizations)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.schemas import registry as schemas
from services.network.services import duplicates, organizations, registrations
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint(
    "organizations", __name__, url_prefix="/network/api/v1/organizations", description="Organisationen"
)


def _links() -> registrations.Links:
    settings = service_context().settings
    return registrations.Links(settings.signing_secret, settings.public_url)


@blp.route("")
class Organizations(MethodView):
    @login_required
    @blp.arguments(schemas.OrganizationListQuerySchema, location="query")
    @blp.response(200, schemas.OrganizationSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """Organisations: staff see all; others their own and verified ones' public fields."""
        actor = current_actor()
        with unit_of_work() as session:
            return organizations.list_views(
                session, actor, query.get("status"), query["limit"], query["offset"]
            )

    @login_required
    @blp.arguments(schemas.OrganizationInputSchema)
    @blp.response(201, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Staff register an organisation (status registered)."""
        actor = current_actor()
        organizations.require_staff(actor)
        with unit_of_work() as session:
            return organizations.view(organizations.create(session, data, actor), full=True)


@blp.route("/<uuid:organization_id>")
class OrganizationItem(MethodView):
    @blp.response(200, schemas.OrganizationSchema)
    def get(self, organization_id: UUID) -> dict[str, Any]:
        """One organisation (public fields only for another organisation's verified record)."""
        actor = current_actor()
        with unit_of_work() as session:
            return organizations.get_view(session, str(organization_id), actor)

    @login_required
    @blp.arguments(schemas.OrganizationUpdateSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def patch(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Change fields; each change is kept in the history (who, when, old, new)."""
        actor = current_actor()
        with unit_of_work() as session:
            organization = organizations.update(session, str(organization_id), data, actor)
            return organizations.view(organization, full=True)


@blp.route("/<uuid:organization_id>/history")
class OrganizationHistory(MethodView):
    @blp.response(200, schemas.ChangeSchema(many=True))
    def get(self, organization_id: UUID) -> list[Any]:
        """The organisation's change history, oldest first."""
        actor = current_actor()
        with unit_of_work() as session:
            return organizations.history(session, str(organization_id), actor)


def _change_status(organization_id: UUID, action: str, reason: str) -> dict[str, Any]:
    actor = current_actor()
    organizations.require_staff(actor)
    with unit_of_work() as session:
        organization = organizations.change_status(session, str(organization_id), action, reason, actor)
        return organizations.view(organization, full=True)


@blp.route("/<uuid:organization_id>/verify")
class VerifyOrganization(MethodView):
    @blp.arguments(schemas.StatusChangeSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Staff verify a registered organisation: it may apply for funding (event to funding)."""
        return _change_status(organization_id, "verify", data["reason"])


@blp.route("/<uuid:organization_id>/suspend")
class SuspendOrganization(MethodView):
    @blp.arguments(schemas.ReasonRequiredSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Staff suspend a verified organisation with a reason: it cannot submit applications."""
        return _change_status(organization_id, "suspend", data["reason"])


@blp.route("/<uuid:organization_id>/reactivate")
class ReactivateOrganization(MethodView):
    @blp.arguments(schemas.ReasonRequiredSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Staff lift a suspension with a reason: the organisation is verified again."""
        return _change_status(organization_id, "reactivate", data["reason"])


@blp.route("/<uuid:organization_id>/archive")
class ArchiveOrganization(MethodView):
    @blp.arguments(schemas.ReasonRequiredSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Staff archive an organisation with a reason (dissolved, no longer a partner)."""
        return _change_status(organization_id, "archive", data["reason"])


@blp.route("/<uuid:organization_id>/duplicates")
class OrganizationDuplicates(MethodView):
    @blp.response(200, schemas.DuplicateSchema(many=True))
    def get(self, organization_id: UUID) -> list[dict[str, Any]]:
        """Likely duplicates: similar name in the same municipality, same email or phone (staff)."""
        actor = current_actor()
        with unit_of_work() as session:
            return duplicates.find_duplicates(session, str(organization_id), actor)


@blp.route("/<uuid:organization_id>/merge")
class MergeOrganization(MethodView):
    @login_required
    @blp.arguments(schemas.MergeSchema)
    @blp.response(200, schemas.OrganizationSchema)
    def post(self, data: dict[str, Any], organization_id: UUID) -> dict[str, Any]:
        """Merge a duplicate into this organisation; the duplicate is archived, both keep history."""
        actor = current_actor()
        with unit_of_work() as session:
            survivor = duplicates.merge(session, str(organization_id), data["duplicate_id"], actor)
            return organizations.view(survivor, full=True)


@blp.route("/verification-queue")
class VerificationQueue(MethodView):
    @blp.response(200, schemas.QueueEntrySchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Confirmed registrations waiting for verification, oldest first, with duplicates (staff)."""
        actor = current_actor()
        with unit_of_work() as session:
            return duplicates.verification_queue(session, actor)


@blp.route("/registrations")
class Registrations(MethodView):
    @blp.arguments(schemas.OrganizationRegistrationSchema)
    @blp.response(202, schemas.OrganizationRegistrationReceiptSchema)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Register an organisation without an account; the contact confirms by email link."""
        with unit_of_work() as session:
            organization = registrations.register(session, data, _links())
            return {
                "organization_id": organization.id,
                "status": organization.status,
                "email_confirmed": False,
                "message": "Danke! Bitte bestätigen Sie Ihre E-Mail-Adresse über den Link in unserer E-Mail.",
            }


@blp.route("/registrations/confirm")
class ConfirmRegistration(MethodView):
    @blp.arguments(schemas.ConfirmQuerySchema, location="query")
    @blp.response(200, schemas.OrganizationRegistrationReceiptSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Confirm the contact email from the link; the registration then waits for KI staff."""
        with unit_of_work() as session:
            organization = registrations.confirm(session, query["token"], _links())
            return {
                "organization_id": organization.id,
                "status": organization.status,
                "email_confirmed": True,
                "message": "Danke! Ihre E-Mail-Adresse ist bestätigt. Das KI prüft nun Ihre Registrierung.",
            }
