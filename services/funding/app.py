"""Funding's Flask app factory."""

from __future__ import annotations

from flask import Flask

from services.funding import api
from services.funding.config import Settings
from shared.web import create_service_app


def create_app(settings: Settings | None = None) -> Flask:
    app, rest = create_service_app(settings or Settings.from_env())
    for blueprint in api.BLUEPRINTS:
        rest.register_blueprint(blueprint)
    return app
