"""Network's HTTP API: Ansprechpersonen (/network/api/v1/contacts)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("contacts", __name__, url_prefix="/network/api/v1/contacts", description="Ansprechpersonen")
