"""Which consumer services receive which event type: the one routing table."""

from __future__ import annotations

SERVICES = ("funding", "network", "notifications")

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "funding.application.approved": ("notifications",),
    "network.organization.verified": ("funding",),
    "network.contact.subscribed": ("notifications",),
}


def consumers_of(event_type: str) -> tuple[str, ...]:
    return SUBSCRIPTIONS.get(event_type, ())
