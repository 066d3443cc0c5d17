"""Network's HTTP API: Abonnements (/network/api/v1/subscriptions)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "subscriptions", __name__, url_prefix="/network/api/v1/subscriptions", description="Abonnements"
)
