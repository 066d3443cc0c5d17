"""Network's HTTP API: Veranstaltungen (/network/api/v1/ki-events), with iCalendar feeds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint as PageBlueprint
from flask import Response, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.network.domain import ki_events as domain
from services.network.models import KiEvent, Registration
from services.network.schemas.ki_events import (
    CancelQuerySchema,
    KiEventChangeSchema,
    KiEventCreateSchema,
    KiEventSchema,
    NewRegistrationSchema,
    RegistrationRequestSchema,
    RegistrationSchema,
    StaffRegistrationSchema,
)
from services.network.services import ki_events as services
from shared.auth import AuthError
from shared.db import utcnow
from shared.errors import DomainError
from shared.web import current_actor, service_context, unit_of_work

blp = Blueprint("ki_events", __name__, url_prefix="/network/api/v1/ki-events", description="Veranstaltungen")


def require_staff() -> None:
    if not current_actor().is_staff:
        raise AuthError("only KI staff manage events", status=403)


def is_staff() -> bool:
    """Staff with a token see drafts; anyone else (even without a token) sees published events."""
    try:
        return current_actor().is_staff
    except AuthError:
        return False


def links() -> services.Links:
    settings = service_context().settings
    return services.Links(settings.signing_secret, settings.public_url)


@blp.route("")
class KiEvents(MethodView):
    @blp.response(200, KiEventSchema(many=True))
    def get(self) -> list[KiEvent]:
        """Published and cancelled events (staff also see drafts), soonest first."""
        with unit_of_work() as session:
            return services.list_events(session, is_staff())

    @blp.arguments(KiEventCreateSchema)
    @blp.response(201, KiEventSchema)
    def post(self, details: dict[str, Any]) -> KiEvent:
        """Create a draft event (KI staff)."""
        require_staff()
        with unit_of_work() as session:
            return services.create_event(session, details)


@blp.route("/<string:event_id>")
class KiEventItem(MethodView):
    @blp.response(200, KiEventSchema)
    def get(self, event_id: str) -> KiEvent:
        """One event; drafts only for KI staff."""
        with unit_of_work() as session:
            return services.get_event(session, event_id, is_staff())

    @blp.arguments(KiEventChangeSchema)
    @blp.response(200, KiEventSchema)
    def patch(self, changes: dict[str, Any], event_id: str) -> KiEvent:
        """Change an event; a published one gets the next sequence number (KI staff)."""
        require_staff()
        with unit_of_work() as session:
            return services.update_event(session, links(), event_id, changes)


@blp.route("/<string:event_id>/publish")
class Publish(MethodView):
    @blp.response(200, KiEventSchema)
    def post(self, event_id: str) -> KiEvent:
        """Publish a draft (KI staff)."""
        require_staff()
        with unit_of_work() as session:
            return services.publish_event(session, event_id)


@blp.route("/<string:event_id>/cancel")
class Cancel(MethodView):
    @blp.response(200, KiEventSchema)
    def post(self, event_id: str) -> KiEvent:
        """Cancel a published event; calendars show it as cancelled (KI staff)."""
        require_staff()
        with unit_of_work() as session:
            return services.cancel_event(session, links(), event_id)


@blp.route("/<string:event_id>/registrations")
class Registrations(MethodView):
    @blp.response(200, StaffRegistrationSchema(many=True))
    def get(self, event_id: str) -> list[dict[str, Any]]:
        """Everyone registered, confirmed and waiting (KI staff)."""
        require_staff()
        with unit_of_work() as session:
            return [_shown(session, r) for r in services.registrations(session, event_id)]

    @blp.arguments(RegistrationRequestSchema)
    @blp.response(201, NewRegistrationSchema)
    def post(self, person: dict[str, Any], event_id: str) -> dict[str, Any]:
        """Register for an event (no account): a seat, or a place on the waiting list."""
        with unit_of_work() as session:
            registration = services.register(session, links(), event_id, person)
            shown = _shown(session, registration)
        return {**shown, "cancel_token": links().cancel_token(registration)}


@blp.route("/<string:event_id>/registrations/<string:registration_id>")
class RegistrationItem(MethodView):
    @blp.arguments(CancelQuerySchema, location="query")
    @blp.response(200, RegistrationSchema)
    def delete(self, query: dict[str, str], event_id: str, registration_id: str) -> dict[str, Any]:
        """Cancel a registration with its cancel token (or as KI staff); the waiting list moves up."""
        allowed = links().allows(query["token"], registration_id) or (not query["token"] and is_staff())
        with unit_of_work() as session:
            registration = services.cancel_registration(session, links(), event_id, registration_id, allowed)
            return _shown(session, registration)


def _shown(session: Any, registration: Registration) -> dict[str, Any]:
    return {
        **{c.key: getattr(registration, c.key) for c in Registration.__table__.columns},
        "position": services.position(session, registration),
    }


@blp.route("/feed/<string:topic>.ics")
class Feed(MethodView):
    @blp.response(200, content_type="text/calendar")
    def get(self, topic: str) -> Response:
        """An iCalendar feed (RFC 5545) of the published and cancelled events on a topic."""
        with unit_of_work() as session:
            events = services.feed_events(session, topic)
            body = domain.calendar(events, f"KI-Veranstaltungen: {topic}", utcnow())
        return Response(body, content_type="text/calendar; charset=utf-8")


# Plain HTML behind the cancel link in a participant's email: no account, no JavaScript.
pages = PageBlueprint(
    "ki_event_pages", __name__, url_prefix="/network/ki-events", template_folder="../templates"
)
CANCEL_PAGE = "/<string:event_id>/registrations/<string:registration_id>/cancel"


@pages.get(CANCEL_PAGE)
def cancel_page(event_id: str, registration_id: str) -> tuple[str, int]:
    token = request.args.get("token", "")
    if not links().allows(token, registration_id):
        return render_template("registration_cancel.html", state="invalid"), 400
    with unit_of_work() as session:
        registration = services.registration_of(session, event_id, registration_id)
        event = services.get_event(session, event_id, staff=False)
    state = "done" if registration.status == "cancelled" else "ask"
    page = render_template("registration_cancel.html", state=state, event=_shown_event(event), token=token)
    return page, 200


@pages.post(CANCEL_PAGE)
def cancel_page_post(event_id: str, registration_id: str) -> tuple[str, int]:
    token = request.form.get("token", "")
    if not links().allows(token, registration_id):
        return render_template("registration_cancel.html", state="invalid"), 400
    try:
        with unit_of_work() as session:
            services.cancel_registration(session, links(), event_id, registration_id, allowed=True)
            event = services.get_event(session, event_id, staff=False)
    except DomainError:
        return render_template("registration_cancel.html", state="done"), 200
    return render_template("registration_cancel.html", state="done", event=_shown_event(event)), 200


def _shown_event(event: KiEvent) -> dict[str, str]:
    return {
        "title": event.title,
        "starts": domain.in_berlin(event.starts_at).strftime("%d.%m.%Y, %H:%M"),
        "place": event.place or event.online_url,
    }
