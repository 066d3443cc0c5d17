"""What notifications consumes: HANDLERS, gathered from one module per producer area."""

from __future__ import annotations

from services.notifications.events import (
    funding,
    funding_calls,
    funding_payouts,
    funding_reports,
    network_engagement,
    network_identity,
    network_registry,
)
from shared.inbox import Handlers

HANDLERS: Handlers = {
    **funding.HANDLERS,
    **funding_calls.HANDLERS,
    **funding_payouts.HANDLERS,
    **funding_reports.HANDLERS,
    **network_identity.HANDLERS,
    **network_registry.HANDLERS,
    **network_engagement.HANDLERS,
}
