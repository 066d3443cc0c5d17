"""Network's HTTP API: Organisationen (/network/api/v1/organizations)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "organizations", __name__, url_prefix="/network/api/v1/organizations", description="Organisationen"
)
