"""Funding's HTTP API under /funding/api/v1, one blueprint per area."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.funding.api import applications, attachments, decisions, overview, payouts, programmes, reports

BLUEPRINTS: tuple[Blueprint, ...] = tuple(
    module.blp for module in (programmes, applications, decisions, attachments, payouts, reports, overview)
)
