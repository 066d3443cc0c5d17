"""Network's HTTP API: Datenschutz (DSGVO) (/network/api/v1/gdpr)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("gdpr", __name__, url_prefix="/network/api/v1/gdpr", description="Datenschutz (DSGVO)")
