"""Attachments of an application: upload, list, download, delete."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.funding.api.actions import PREFIX

blp = Blueprint("attachments", __name__, url_prefix=PREFIX, description="Anlagen")
