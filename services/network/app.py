"""Network's Flask app factory."""

from __future__ import annotations

from flask import Flask

from services.network import api
from services.network.api.ki_events import pages as ki_event_pages
from services.network.api.subscriptions import pages as subscription_pages
from services.network.api.unsubscribe import pages as unsubscribe_pages
from services.network.config import Settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None) -> Flask:
    app, rest = create_service_app(settings or Settings.from_env())
    for blueprint in api.BLUEPRINTS:
        rest.register_blueprint(blueprint)
    app.register_blueprint(subscription_pages)  # HTML behind signed links, outside the API
    app.register_blueprint(ki_event_pages)
    app.register_blueprint(unsubscribe_pages)  # RFC 8058 one-click, no login or cookies
    return app
