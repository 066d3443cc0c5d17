"""Network's HTTP API: Suche im Verzeichnis (/network/api/v1/search)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("search", __name__, url_prefix="/network/api/v1/search", description="Suche im Verzeichnis")
