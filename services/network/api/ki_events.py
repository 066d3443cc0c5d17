"""Network's HTTP API: Veranstaltungen (/network/api/v1/ki-events)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("ki_events", __name__, url_prefix="/network/api/v1/ki-events", description="Veranstaltungen")
