"""Attachments of an application: upload, list, download, delete."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import wrap_file

from services.funding.api.actions import PREFIX
from services.funding.config import Settings
from services.funding.domain import attachments as rules
from services.funding.models.attachments import Attachment
from services.funding.schemas.attachments import (
    AttachmentFileSchema,
    AttachmentFormSchema,
    AttachmentSchema,
    AttachmentUploadSchema,
)
from services.funding.services import attachments as services
from shared.web import current_actor, login_required, service_context, unit_of_work

blp = Blueprint("attachments", __name__, url_prefix=PREFIX, description="Anlagen")
ATTACHMENTS = "/applications/<uuid:application_id>/attachments"
STORE = "funding.attachment_store"


def settings() -> Settings:
    return cast(Settings, service_context().settings)


def store() -> services.AttachmentStore:
    """One store per app, made on first use (it creates its directory)."""
    if STORE not in current_app.extensions:
        current_app.extensions[STORE] = services.LocalDirectoryStore(settings().attachments_dir)
    return current_app.extensions[STORE]


def limits() -> rules.Limits:
    config = settings()
    max_file = min(config.attachment_max_bytes, config.max_upload_bytes)
    return rules.Limits(max_file, config.attachments_max_count, config.attachments_max_total_bytes)


def within_upload_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """A body over the request limit gets the same 413 naming ``file`` as a file over the file limit."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        too_large = rules.too_large(limits().max_file_bytes)
        if (request.content_length or 0) > (current_app.config["MAX_CONTENT_LENGTH"] or float("inf")):
            raise too_large
        try:
            return view(*args, **kwargs)
        except RequestEntityTooLarge as exc:  # a streamed body without Content-Length
            raise too_large from exc

    return checked


@blp.route(ATTACHMENTS)
class Attachments(MethodView):
    @login_required
    @blp.response(200, AttachmentSchema(many=True))
    def get(self, application_id: Any) -> list[Attachment]:
        """The application's attachments, for whoever may see the application."""
        with unit_of_work() as session:
            return services.list_attachments(session, str(application_id), current_actor())

    @login_required
    @within_upload_limit
    @blp.arguments(AttachmentFormSchema, location="form")
    @blp.arguments(AttachmentFileSchema, location="files")
    @blp.response(201, AttachmentSchema)
    @blp.doc(
        requestBody={"required": True, "content": {"multipart/form-data": {"schema": AttachmentUploadSchema}}}
    )
    def post(self, form: dict[str, Any], files: dict[str, Any], application_id: Any) -> Attachment:
        """Add a file (multipart field ``file``); its type is judged from its content, not its name."""
        upload = services.Upload(files["file"].filename, files["file"].stream, form["description"])
        with unit_of_work() as session:
            return services.add_attachment(
                session, store(), str(application_id), current_actor(), upload, limits()
            )


@blp.route(f"{ATTACHMENTS}/<uuid:attachment_id>")
class OneAttachment(MethodView):
    @login_required
    @blp.response(200, content_type="application/octet-stream", description="The file as uploaded")
    def get(self, application_id: Any, attachment_id: Any) -> Response:
        """Download the file; the session is closed before the file streams."""
        with unit_of_work() as session:
            attachment = services.get_attachment(
                session, str(application_id), str(attachment_id), current_actor()
            )
        return file_response(attachment, services.open_attachment(store(), attachment))

    @login_required
    @blp.response(204)
    def delete(self, application_id: Any, attachment_id: Any) -> None:
        """Delete an attachment while the application may still be edited."""
        with unit_of_work() as session:
            services.delete_attachment(
                session, store(), str(application_id), str(attachment_id), current_actor()
            )


def file_response(attachment: Attachment, content: Any) -> Response:
    response = Response(
        wrap_file(request.environ, content), mimetype=attachment.content_type, direct_passthrough=True
    )
    response.content_length = attachment.size_bytes
    response.set_etag(attachment.sha256)
    response.headers["Content-Disposition"] = rules.content_disposition(attachment.original_name)
    # Never rendered by the browser as something else, never in a shared cache.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
