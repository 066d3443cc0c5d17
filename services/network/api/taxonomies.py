"""Network's HTTP API: Kategorien (/network/api/v1/taxonomies)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("taxonomies", __name__, url_prefix="/network/api/v1/taxonomies", description="Kategorien")
