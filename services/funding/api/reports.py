"""Proof of use (Verwendungsnachweis): submission, review, closing the case."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX

blp = Blueprint("reports", __name__, url_prefix=PREFIX, description="Verwendungsnachweis")
