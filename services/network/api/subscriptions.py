"""Network's HTTP API: Abonnements (/network/api/v1/subscriptions), and the preference pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint as PageBlueprint
from flask import render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.models import ContactPerson, Subscription
from services.network.schemas.subscriptions import (
    PreferencesChangeSchema,
    PreferencesSchema,
    StaffSubscriptionSchema,
    SubscriptionRequestedSchema,
    SubscriptionRequestSchema,
    TokenQuerySchema,
)
from services.network.services import subscriptions as services
from shared.auth import AuthError
from shared.errors import DomainError
from shared.events.network_engagement import DIGEST_CHOICES
from shared.web import current_actor, service_context, unit_of_work

blp = Blueprint(
    "subscriptions", __name__, url_prefix="/network/api/v1/subscriptions", description="Abonnements"
)
# Plain HTML for people following a link from an email: no account, no JavaScript.
pages = PageBlueprint("subscription_pages", __name__, url_prefix="/network", template_folder="../templates")


def links() -> services.Links:
    settings = service_context().settings
    return services.Links(settings.signing_secret, settings.public_url)


def view(contact: ContactPerson, subscription: Subscription) -> dict[str, Any]:
    return {
        "name": contact.name,
        "email": contact.email,
        "language": contact.language,
        "status": services.status_of(subscription),
        "topics": subscription.topics,
        "districts": subscription.districts,
        "digest": subscription.digest,
    }


@blp.route("")
class Subscriptions(MethodView):
    @blp.arguments(SubscriptionRequestSchema)
    @blp.response(202, SubscriptionRequestedSchema)
    def post(self, form: dict[str, Any]) -> dict[str, str]:
        """Ask to subscribe (no account): a confirmation link goes to the email address."""
        proof = {"form": "POST /network/api/v1/subscriptions", "remote_addr": request.remote_addr or ""}
        with unit_of_work() as session:
            services.request_subscription(session, links(), form, proof)
        return {"status": "pending"}


@blp.route("/confirm")
class Confirm(MethodView):
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, PreferencesSchema)
    def get(self, query: dict[str, str]) -> dict[str, Any]:
        """Confirm a subscription with the signed token from the opt-in email."""
        with unit_of_work() as session:
            return view(*services.confirm(session, links(), query["token"]))


@blp.route("/preferences")
class Preferences(MethodView):
    @blp.arguments(TokenQuerySchema, location="query")
    @blp.response(200, PreferencesSchema)
    def get(self, query: dict[str, str]) -> dict[str, Any]:
        """What the person behind a signed preference link receives."""
        with unit_of_work() as session:
            return view(*services.preferences(session, links(), query["token"]))

    @blp.arguments(PreferencesChangeSchema)
    @blp.response(200, PreferencesSchema)
    def post(self, change: dict[str, Any]) -> dict[str, Any]:
        """Change topics and districts; an empty topic list unsubscribes from everything."""
        with unit_of_work() as session:
            token, topics, districts = change["token"], change["topics"], change["districts"]
            services.change_preferences(session, links(), token, topics, districts, change["digest"])
            return view(*services.preferences(session, links(), change["token"]))


@blp.route("/preferences/unsubscribe")
class Unsubscribe(MethodView):
    @blp.arguments(TokenQuerySchema)
    @blp.response(200, PreferencesSchema)
    def post(self, body: dict[str, str]) -> dict[str, Any]:
        """Unsubscribe from everything with one click from the signed link."""
        with unit_of_work() as session:
            services.change_preferences(session, links(), body["token"], [], [])
            return view(*services.preferences(session, links(), body["token"]))


@blp.route("/contacts/<string:contact_id>")
class ContactSubscription(MethodView):
    @blp.response(200, StaffSubscriptionSchema)
    def get(self, contact_id: str) -> dict[str, Any]:
        """A contact person's subscription (KI staff only)."""
        if not current_actor().is_staff:
            raise AuthError("only KI staff see subscriptions", status=403)
        with unit_of_work() as session:
            _contact, subscription = services.subscription_of(session, contact_id)
            if subscription is None:
                return {"contact_id": contact_id, "status": "none", "topics": [], "districts": []}
            return {**_columns(subscription), "status": services.status_of(subscription)}


def _columns(subscription: Subscription) -> dict[str, Any]:
    return {column.key: getattr(subscription, column.key) for column in Subscription.__table__.columns}


@pages.get("/subscriptions/confirm")
def confirm_page() -> tuple[str, int]:
    token = request.args.get("token", "")
    try:
        with unit_of_work() as session:
            contact, _subscription = services.confirm(session, links(), token)
    except DomainError as error:
        return render_template("subscription_error.html", error=error), error.status
    return _preferences_page(contact.id, message="Danke! Ihr Abonnement ist bestätigt.")


@pages.get("/preferences")
def preferences_page() -> tuple[str, int]:
    token = request.args.get("token", "")
    try:
        with unit_of_work() as session:
            contact, _subscription = services.preferences(session, links(), token)
    except DomainError as error:
        return render_template("subscription_error.html", error=error), error.status
    return _preferences_page(contact.id)


@pages.post("/preferences")
def save_preferences_page() -> tuple[str, int]:
    form = request.form
    token = form.get("token", "")
    unsubscribe = form.get("action") == "unsubscribe_all"
    topics = [] if unsubscribe else form.getlist("topics")
    typed = [d for d in form.get("more_districts", "").split(",") if d.strip()]
    districts = form.getlist("districts") + typed
    digest = form.get("digest") if form.get("digest") in DIGEST_CHOICES else None
    try:
        with unit_of_work() as session:
            contact, _ = services.preferences(session, links(), token)
            services.change_preferences(session, links(), token, topics, districts, digest)
    except DomainError as error:
        return render_template("subscription_error.html", error=error), error.status
    message = "Ihre Einstellungen sind gespeichert." if topics else "Sie sind von allen Themen abgemeldet."
    return _preferences_page(contact.id, message=message)


def _preferences_page(contact_id: str, message: str = "") -> tuple[str, int]:
    token = links().preferences_token(contact_id)
    with unit_of_work() as session:
        contact, subscription = services.preferences(session, links(), token)
        topics, districts = services.options(session, subscription)
    return render_template(
        "preferences.html",
        contact=contact,
        subscription=subscription,
        status=services.status_of(subscription),
        topic_options=topics,
        district_options=districts,
        token=token,
        message=message,
    ), 200
