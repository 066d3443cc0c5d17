"""Network's HTTP API under /network/api/v1, one blueprint per area."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.network.api import (
    auth,
    contacts,
    gdpr,
    imports,
    ki_events,
    organizations,
    search,
    subscriptions,
    taxonomies,
    users,
)

BLUEPRINTS: tuple[Blueprint, ...] = tuple(
    module.blp
    for module in (
        auth,
        users,
        organizations,
        search,
        contacts,
        taxonomies,
        imports,
        subscriptions,
        ki_events,
        gdpr,
    )
)
