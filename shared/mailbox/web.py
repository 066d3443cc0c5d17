"""Flask inbox under /mail: HTML pages for people, JSON under /mail/api for tests and tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message

from flask import Blueprint, Flask, Response, abort, jsonify, render_template

from shared.mailbox.store import Mailbox, ReceivedMessage

# Email HTML only ever runs in a sandboxed iframe; this is the second line of defence.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class MessageView:
    message: ReceivedMessage
    headers: list[tuple[str, str]]
    text: str | None
    html: str | None
    attachments: list[Attachment]


def create_inbox_app(mailbox: Mailbox) -> Flask:
    app = Flask(__name__)
    app.register_blueprint(inbox_blueprint(mailbox))
    return app


def inbox_blueprint(mailbox: Mailbox) -> Blueprint:
    """The inbox routes, for mounting into another dev app as well."""
    inbox = Blueprint("mailbox", __name__, url_prefix="/mail", template_folder="templates")
    inbox.add_app_template_filter(_german_time, "mailbox_time")

    def found(message_id: int) -> ReceivedMessage:
        message = mailbox.get(message_id)
        if message is None:
            abort(404)
        return message

    @inbox.get("/")
    def index() -> str:
        messages = list(reversed(mailbox.messages()))
        return render_template("mailbox/index.html", messages=messages)

    @inbox.get("/<int:message_id>")
    def show(message_id: int) -> str:
        view = _view(found(message_id))
        return render_template("mailbox/message.html", view=view)

    @inbox.get("/<int:message_id>/raw")
    def raw(message_id: int) -> Response:
        text = found(message_id).raw.decode("utf-8", errors="replace")
        return Response(text, mimetype="text/plain")

    @inbox.get("/api/messages")
    def list_messages() -> Response:
        return jsonify([message.as_json() for message in reversed(mailbox.messages())])

    @inbox.delete("/api/messages")
    def clear_messages() -> tuple[str, int]:
        mailbox.clear()
        return "", 204

    @inbox.get("/api/messages/<int:message_id>")
    def get_message(message_id: int) -> Response:
        return jsonify(found(message_id).as_json())

    @inbox.after_request
    def harden(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        return response

    return inbox


def _german_time(moment: datetime) -> str:
    return moment.strftime("%d.%m.%Y, %H:%M:%S UTC")


def _view(message: ReceivedMessage) -> MessageView:
    parsed = message.parsed()
    return MessageView(
        message=message,
        headers=_headers(parsed),
        text=_body(parsed, "plain"),
        html=_body(parsed, "html"),
        attachments=[_attachment(part) for part in parsed.iter_attachments()],
    )


def _headers(parsed: EmailMessage) -> list[tuple[str, str]]:
    try:
        return [(name, str(value)) for name, value in parsed.items()]
    except Exception:  # a malformed header must not hide the message; show it undecoded
        return [(name, str(value)) for name, value in parsed.raw_items()]


def _body(parsed: EmailMessage, subtype: str) -> str | None:
    part = parsed.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return _text(part)


def _text(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError):
        # Unknown or lying charset: show what we can rather than nothing.
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def _attachment(part: Message) -> Attachment:
    payload = part.get_payload(decode=True)
    return Attachment(
        filename=part.get_filename() or "(ohne Namen)",
        content_type=part.get_content_type(),
        size=len(payload) if isinstance(payload, bytes) else 0,
    )
