"""Payout requests (Mittelabruf) and their approval by staff."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX

blp = Blueprint("payouts", __name__, url_prefix=PREFIX, description="Mittelabruf")
