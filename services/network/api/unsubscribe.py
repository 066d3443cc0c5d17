"""One-click unsubscribe (RFC 8058) for the List-Unsubscribe header of every newsletter email.

``/network/unsubscribe?token=…`` carries the same signed token as the preference page. A mail
client POSTs ``List-Unsubscribe=One-Click`` to it, without login or cookies, and the person is
unsubscribed from every topic (``network.contact.unsubscribed``). A GET (a person opening the link,
or a mail scanner following it) only shows a page with a button; it never changes anything.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from services.network.api.subscriptions import links
from services.network.services import subscriptions as services
from shared.errors import DomainError
from shared.web import unit_of_work

pages = Blueprint("unsubscribe_pages", __name__, url_prefix="/network", template_folder="../templates")


@pages.get("/unsubscribe")
def unsubscribe_page() -> tuple[str, int]:
    token = request.args.get("token", "")
    try:
        with unit_of_work() as session:
            contact, subscription = services.preferences(session, links(), token)
            status = services.status_of(subscription)
    except DomainError as error:
        return render_template("subscription_error.html", error=error), error.status
    return render_template(
        "unsubscribe.html", contact=contact, token=token, done=status in ("unsubscribed", "none")
    ), 200


@pages.post("/unsubscribe")
def unsubscribe_one_click() -> tuple[str, int]:
    token = request.args.get("token") or request.form.get("token", "")
    try:
        with unit_of_work() as session:
            contact, subscription = services.preferences(session, links(), token)
            if services.status_of(subscription) != "unsubscribed":
                services.change_preferences(session, links(), token, [], [])
    except DomainError as error:
        return render_template("subscription_error.html", error=error), error.status
    return render_template("unsubscribe.html", contact=contact, token=token, done=True), 200
