"""Network's HTTP API: Import und Export (/network/api/v1/imports)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("imports", __name__, url_prefix="/network/api/v1/imports", description="Import und Export")
