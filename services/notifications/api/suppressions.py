"""The suppression list: addresses never mailed again until staff lift them."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "suppressions", __name__, url_prefix="/notifications/api/v1/suppressions", description="Sperrliste"
)
