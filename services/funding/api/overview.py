"""Budget overview per programme and year, funding history per organisation, exports."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX

blp = Blueprint("overview", __name__, url_prefix=PREFIX, description="Haushaltsübersicht")
