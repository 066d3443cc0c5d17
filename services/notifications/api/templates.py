"""Template preview in any language and test sends, for staff."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from services.notifications import domain, messages
from services.notifications.models import Email
from services.notifications.schemas.templates import (
    PreviewQuerySchema,
    PreviewSchema,
    TemplateSchema,
    TestSendRequestSchema,
    TestSendSchema,
)
from services.notifications.services import planning
from shared.auth import AuthError
from shared.celery import nudge
from shared.errors import Conflict, Invalid, NotFound
from shared.events import Envelope
from shared.logging import get_correlation_id
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint("templates", __name__, url_prefix="/notifications/api/v1/templates", description="Vorlagen")
TEST_EVENT_TYPE = "notifications.template.test"


def _require_staff() -> str:
    actor = current_actor()
    if not actor.is_staff:
        raise AuthError("only KI staff work with templates", status=403)
    return actor.user_id


def _checked(kind: str, language: str) -> None:
    if kind not in messages.kinds():
        raise NotFound(f"no message type {kind!r}", field="kind")
    available = messages.languages_of(kind)
    if language not in available:
        raise Invalid({"language": [f"{kind} exists in {', '.join(sorted(available))}, not in {language!r}"]})


@blp.route("")
class Templates(MethodView):
    @login_required
    @blp.response(200, TemplateSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every message type with the languages it has and the ones it promises."""
        _require_staff()
        return [
            {
                "kind": kind,
                "languages": sorted(messages.languages_of(kind)),
                "declared": sorted(messages.DECLARED.get(kind, ())),
            }
            for kind in messages.kinds()
        ]


@blp.route("/<kind>/preview")
class Preview(MethodView):
    @login_required
    @blp.arguments(PreviewQuerySchema, location="query")
    @blp.response(200, PreviewSchema)
    def get(self, query: dict[str, Any], kind: str) -> dict[str, Any]:
        """The message rendered with its sample context, as a recipient reading ``language`` gets it."""
        _require_staff()
        language = query["language"]
        _checked(kind, language)
        context = messages.sample_context(kind)
        subject, text, html = messages.render(kind, language, context)
        direction = "rtl" if language in messages.RIGHT_TO_LEFT else "ltr"
        return {"kind": kind, "language": language, "direction": direction, "subject": subject,
                "text": text, "html": html, "context": context}  # fmt: skip


@blp.route("/<kind>/test-send")
class TestSend(MethodView):
    @login_required
    @blp.arguments(TestSendRequestSchema)
    @blp.response(202, TestSendSchema)
    def post(self, body: dict[str, Any], kind: str) -> Email:
        """Send the sample message to ``email`` through the real delivery path (logged under a
        synthetic event id; the suppression list applies as to any email)."""
        actor_id = _require_staff()
        _checked(kind, body["language"])
        with unit_of_work() as session:
            email = _plan_test_send(session, kind, body, actor_id)
        nudge(service_context().celery, "notifications.send_pending", "notifications")
        return email


def _plan_test_send(session: Any, kind: str, body: dict[str, Any], actor_id: str) -> Email:
    data = {"kind": kind, "requested_by": actor_id}
    event = Envelope(TEST_EVENT_TYPE, 1, "notifications", data, correlation_id=_correlation())
    addressee = domain.Addressee(body["email"], body["name"], (body["language"],))
    context = messages.sample_context(kind)
    planning.plan_emails(session, event, kind, [addressee], context, purpose=domain.ADMINISTRATIVE)
    email = session.scalars(select(Email).where(Email.event_id == event.id)).one_or_none()
    if email is None:
        # Planning keeps no row, not even a suppressed one, for an erased person's address.
        raise Conflict("this address belongs to an erased person and is never mailed", field="email")
    return email


def _correlation() -> str:
    return get_correlation_id() or str(uuid.uuid4())
