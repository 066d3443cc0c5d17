"""Which consumer services receive which event type: the one routing table."""

from __future__ import annotations

SERVICES = ("funding", "network", "notifications")

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "funding.application.approved": ("notifications",),
    "funding.application.changes_requested": ("notifications",),
    "funding.application.rejected": ("notifications",),
    "funding.application.resubmitted": ("notifications",),
    "network.organization.verified": ("funding",),
    "network.organization.suspended": ("funding",),
    "network.organization.reactivated": ("funding",),
    "network.organization.archived": ("funding",),
    "network.organization.merged": ("funding",),
    "network.organization.changed": ("notifications",),
    "network.organization.registration_requested": ("notifications",),
    "network.contact.updated": ("notifications",),
    "network.contact.subscribed": ("notifications",),
    "network.user.sessions_revoked": ("funding", "notifications"),
    "network.user.password_reset_requested": ("notifications",),
    "network.user.updated": ("notifications",),
    "network.contact.optin_requested": ("notifications",),
    "network.contact.unsubscribed": ("notifications",),
    "network.contact.erased": ("notifications",),
    "network.event.registration_changed": ("notifications",),
    "network.event.published": ("notifications",),
    "network.event.updated": ("notifications",),
    "network.event.cancelled": ("notifications",),
    "network.contact.snapshot": ("notifications",),
    "funding.application.submitted": ("notifications",),
    "funding.application.review_started": ("notifications",),
    "funding.application.withdrawn": ("notifications",),
    "funding.payout.requested": ("notifications",),
    "funding.payout.approved": ("notifications",),
    "funding.payout.rejected": ("notifications",),
    "funding.report.due": ("notifications",),
    "funding.report.overdue": ("notifications",),
    "funding.report.submitted": ("notifications",),
    "funding.report.changes_requested": ("notifications",),
    "funding.report.accepted": ("notifications",),
    "funding.call.published": ("notifications",),
}


def consumers_of(event_type: str) -> tuple[str, ...]:
    return SUBSCRIPTIONS.get(event_type, ())
