"""Network's HTTP API: Benutzerkonten und Rollen (/network/api/v1/users)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "users", __name__, url_prefix="/network/api/v1/users", description="Benutzerkonten und Rollen"
)
