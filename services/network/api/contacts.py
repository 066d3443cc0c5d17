"""Network's HTTP API: Ansprechpersonen (/network/api/v1/contacts)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.models import Consent, ContactPerson
from services.network.schemas import registry as schemas
from services.network.services import contacts
from shared.web import current_actor, login_required, unit_of_work

blp = Blueprint("contacts", __name__, url_prefix="/network/api/v1/contacts", description="Ansprechpersonen")


@blp.route("")
class Contacts(MethodView):
    @login_required
    @blp.arguments(schemas.ContactListQuerySchema, location="query")
    @blp.response(200, schemas.ContactSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[ContactPerson]:
        """Contact persons with their functions and current consents (applicants: own organisations')."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.list_contacts(session, actor, query.get("organization_id"))

    @login_required
    @blp.arguments(schemas.ContactInputSchema)
    @blp.response(201, schemas.ContactSchema)
    def post(self, data: dict[str, Any]) -> ContactPerson:
        """Add a contact person, with a function in one or more organisations."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.create(session, data, actor)


@blp.route("/<uuid:contact_id>")
class ContactItem(MethodView):
    @blp.response(200, schemas.ContactSchema)
    def get(self, contact_id: UUID) -> ContactPerson:
        """One contact person."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.load(session, str(contact_id), actor)

    @login_required
    @blp.arguments(schemas.ContactUpdateSchema)
    @blp.response(200, schemas.ContactSchema)
    def patch(self, data: dict[str, Any], contact_id: UUID) -> ContactPerson:
        """Change name, email, phone or language (notifications learns of it)."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.update(session, str(contact_id), data, actor)

    @blp.response(204)
    def delete(self, contact_id: UUID) -> None:
        """Staff remove a contact record that has no subscription."""
        actor = current_actor()
        with unit_of_work() as session:
            contacts.delete(session, str(contact_id), actor)


@blp.route("/<uuid:contact_id>/affiliations/<uuid:organization_id>")
class AffiliationItem(MethodView):
    @login_required
    @blp.arguments(schemas.FunctionSchema)
    @blp.response(200, schemas.ContactSchema)
    def put(self, data: dict[str, Any], contact_id: UUID, organization_id: UUID) -> ContactPerson:
        """Set the person's function in an organisation (adds the organisation if new)."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.set_affiliation(
                session, str(contact_id), str(organization_id), data["function"], actor
            )

    @blp.response(200, schemas.ContactSchema)
    def delete(self, contact_id: UUID, organization_id: UUID) -> ContactPerson:
        """The person no longer works for this organisation."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.remove_affiliation(session, str(contact_id), str(organization_id), actor)


@blp.route("/<uuid:contact_id>/consents")
class Consents(MethodView):
    @login_required
    @blp.arguments(schemas.ConsentInputSchema)
    @blp.response(201, schemas.ConsentSchema)
    def post(self, data: dict[str, Any], contact_id: UUID) -> Consent:
        """Record a consent: purpose, how it was given, the text version, proof."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.record_consent(session, str(contact_id), data, actor)


@blp.route("/<uuid:contact_id>/consents/<int:consent_id>/withdraw")
class WithdrawConsent(MethodView):
    @blp.response(200, schemas.ConsentSchema)
    def post(self, contact_id: UUID, consent_id: int) -> Consent:
        """Record that the person withdrew a consent."""
        actor = current_actor()
        with unit_of_work() as session:
            return contacts.withdraw_consent(session, str(contact_id), consent_id, actor)
