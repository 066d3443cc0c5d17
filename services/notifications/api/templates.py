"""Template preview in any language and test sends, for staff."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("templates", __name__, url_prefix="/notifications/api/v1/templates", description="Vorlagen")
