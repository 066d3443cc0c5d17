"""Notifications' HTTP API under /notifications/api/v1 (staff only), one blueprint per area."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.notifications.api import deliveries, suppressions, templates

BLUEPRINTS: tuple[Blueprint, ...] = tuple(module.blp for module in (deliveries, suppressions, templates))
