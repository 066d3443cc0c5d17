"""The relay may deliver an older event after a newer one: a contact snapshot taken before what the
recipient row already reflects (a later snapshot, or an unsubscribe) must not turn it back."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from services.notifications.models import Recipient
from services.notifications.services import recipients
from shared.db import utcnow
from shared.events import Envelope
from shared.events.samples import load_sample
from tests.conftest import Apps
from tests.integration.notifications import helpers

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"
ADDRESS = "kontakt@bruecken.example"


def snapshot(contact_id: str, **data: Any) -> dict[str, Any]:
    """Network's picture of a subscribed contact, as in the golden sample."""
    return {**load_sample("network.contact.snapshot", 1)["data"], "contact_id": contact_id, **data}


def apply(apps: Apps, data: dict[str, Any], occurred_at: datetime) -> Recipient | None:
    with helpers.session_of(apps.notifications) as session:
        return recipients.apply_snapshot(session, data, occurred_at=occurred_at)


def unsubscribe(apps: Apps, contact_id: str) -> None:
    event = helpers.event("network.contact.unsubscribed", contact_id=contact_id, email=ADDRESS)
    assert helpers.deliver(apps.notifications, event) == "handled"


def test_a_snapshot_taken_before_an_unsubscribe_does_not_bring_the_consent_back(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    taken = utcnow()  # after the subscription, before the unsubscribe
    unsubscribe(apps, contact_id)

    apply(apps, snapshot(contact_id, name="Ayşe Y.", organization_ids=[ORG]), occurred_at=taken)

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert (recipient.topics, recipient.consent_confirmed_at) == ([], None)
    assert recipient.unsubscribed_at is not None
    # what the unsubscribe did not touch still comes from the snapshot
    assert recipient.name == "Ayşe Y."
    assert [o.organization_id for o in recipient.organizations] == [ORG]


def test_a_snapshot_taken_after_the_unsubscribe_is_applied(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    unsubscribe(apps, contact_id)

    apply(apps, snapshot(contact_id), occurred_at=utcnow() + timedelta(seconds=1))

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert recipient.topics == ["funding_calls"]
    assert recipient.consent_confirmed_at.isoformat() == "2026-10-01T08:00:00+00:00"
    assert recipient.unsubscribed_at is None


def test_a_snapshot_older_than_the_one_applied_last_changes_nothing(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    newer, older = utcnow(), utcnow() - timedelta(minutes=5)
    apply(apps, snapshot(contact_id, name="Neu", topics=[], districts=[]), occurred_at=newer)

    ignored = apply(apps, snapshot(contact_id, name="Alt"), occurred_at=older)

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert ignored is None
    assert (recipient.name, recipient.topics, recipient.consent_confirmed_at) == ("Neu", [], None)
    assert recipient.as_of == newer


def at(envelope: Envelope, moment: datetime) -> Envelope:
    """The event as network made it at ``moment`` (the relay delivers it only now)."""
    return replace(envelope, occurred_at=moment.isoformat())


def subscribed(contact_id: str, **data: Any) -> Envelope:
    return helpers.event(
        "network.contact.subscribed", contact_id=contact_id, email=ADDRESS, organization_ids=[], **data
    )


def test_an_unsubscribe_made_before_the_person_subscribed_again_changes_nothing(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    late = at(helpers.event("network.contact.unsubscribed", contact_id=contact_id, email=ADDRESS), utcnow())
    again = at(subscribed(contact_id, topics=["ki_events"]), utcnow() + timedelta(seconds=1))
    assert helpers.deliver(apps.notifications, again) == "handled"

    assert helpers.deliver(apps.notifications, late) == "handled"

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert recipient.topics == ["ki_events"]
    assert recipient.consent_confirmed_at is not None


def test_a_subscription_older_than_the_unsubscribe_does_not_bring_the_consent_back(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    changed = at(subscribed(contact_id, topics=["ki_events"], name="Ayşe Y."), utcnow())
    unsubscribe(apps, contact_id)

    assert helpers.deliver(apps.notifications, changed) == "handled"

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert (recipient.topics, recipient.consent_confirmed_at) == ([], None)
    assert recipient.name == "Ayşe Y."


def test_an_older_subscription_change_does_not_replace_a_newer_one(apps: Apps) -> None:
    contact_id = str(uuid.uuid4())
    first = at(subscribed(contact_id, topics=["funding_calls"]), utcnow() - timedelta(minutes=1))
    second = at(subscribed(contact_id, topics=["ki_events"], districts=["Bochum"]), utcnow())
    assert helpers.deliver(apps.notifications, second) == "handled"

    assert helpers.deliver(apps.notifications, first) == "handled"

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert (recipient.topics, recipient.districts) == (["ki_events"], ["Bochum"])


def test_a_contact_change_older_than_the_snapshot_held_changes_nothing(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, ADDRESS)
    renamed = helpers.event("network.contact.updated", contact_id=contact_id, name="Alt", email=ADDRESS)
    renamed = at(renamed, utcnow() - timedelta(minutes=1))
    apply(apps, snapshot(contact_id, name="Neu", email=ADDRESS), occurred_at=utcnow())

    assert helpers.deliver(apps.notifications, renamed) == "handled"

    assert helpers.recipient(apps.notifications, contact_id).name == "Neu"
