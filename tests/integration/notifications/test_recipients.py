"""Notifications keeps its own copy of recipients, consents and suppressions from network's events,
so mail goes out while network is down."""

from __future__ import annotations

from sqlalchemy import select

from services.notifications import domain
from services.notifications.models import DigestItem, Email
from services.notifications.services import planning, recipients
from shared.events import load_envelope
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.integration.notifications.helpers import APPROVED
from tests.support import builders
from tests.support.tokens import TokenMaker

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"


def test_a_confirmed_subscription_becomes_a_recipient_with_a_confirmed_consent(apps: Apps) -> None:
    contact_id = helpers.subscribe(
        apps.notifications, "Kontakt@Bruecken.example", districts=("Köln-Mülheim",), organization_ids=(ORG,)
    )

    recipient = helpers.recipient(apps.notifications, contact_id)
    assert recipient is not None
    assert recipient.email == "kontakt@bruecken.example"
    assert (recipient.topics, recipient.districts) == (["funding_calls"], ["Köln-Mülheim"])
    assert [o.organization_id for o in recipient.organizations] == [ORG]
    assert recipient.consent_confirmed_at is not None
    assert recipient.consent_source == "double_opt_in"
    assert recipient.digest == "none"


def test_a_digest_choice_in_the_subscription_is_kept(apps: Apps) -> None:
    contact_id = helpers.subscribe(apps.notifications, "woche@verein.example", digest="weekly")

    assert helpers.recipient(apps.notifications, contact_id).digest == "weekly"


def test_unsubscribing_withdraws_the_consent_but_keeps_the_organisation_contact(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "kontakt@bruecken.example", organization_ids=(ORG,))

    unsubscribed = helpers.event(
        "network.contact.unsubscribed", contact_id=contact_id, email="kontakt@bruecken.example"
    )
    helpers.deliver(app, unsubscribed)

    recipient = helpers.recipient(app, contact_id)
    assert recipient.topics == [] and recipient.consent_confirmed_at is None
    assert recipient.unsubscribed_at is not None
    with helpers.session_of(app) as session:
        assert [r.email for r in recipients.contacts_of_organization(session, ORG)] == [
            "kontakt@bruecken.example"
        ]


def test_unsubscribing_cancels_newsletter_mail_still_waiting_but_not_administrative_mail(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "kontakt@bruecken.example")
    addressee = [domain.Addressee("kontakt@bruecken.example", "Ayşe", ("de",))]
    with helpers.session_of(app) as session:
        newsletter = helpers.event("funding.call.published")
        planning.plan_emails(
            session, newsletter, "application_approved", addressee, APPROVED, purpose="newsletter"
        )
        decision = helpers.event("funding.application.approved")
        planning.plan_emails(
            session, decision, "application_approved", addressee, APPROVED, purpose="administrative"
        )

    unsubscribed = helpers.event("network.contact.unsubscribed", contact_id=contact_id)
    helpers.deliver(app, unsubscribed)

    statuses = {e.event_type: (e.status, e.last_error) for e in helpers.emails(app)}
    assert statuses == {
        "funding.call.published": ("suppressed", "suppressed: unsubscribed"),
        "funding.application.approved": ("pending", ""),
    }


def test_erasure_forgets_the_person_and_keeps_only_a_hash_on_the_suppression_list(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "weg@verein.example", organization_ids=(ORG,))
    with helpers.session_of(app) as session:
        addressee = [domain.Addressee("weg@verein.example", "Weg", ("de",))]
        planning.plan_emails(
            session,
            helpers.event("funding.call.published"),
            "application_approved",
            addressee,
            APPROVED,
            purpose="newsletter",
        )

    helpers.deliver(app, helpers.event("network.contact.erased", contact_id=contact_id))

    assert helpers.recipient(app, contact_id) is None
    [email] = helpers.emails(app)
    assert (email.recipient, email.status, email.body_text) == (
        f"erased-{contact_id}@invalid",
        "cancelled",
        "",
    )
    [suppression] = helpers.suppressions(app)
    assert suppression.reason == "erased"
    assert suppression.address == domain.address_key("weg@verein.example")
    assert "weg@verein.example" not in suppression.address


def test_an_erased_address_gets_no_email_even_when_an_event_names_it(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "weg@verein.example")
    helpers.deliver(app, helpers.event("network.contact.erased", contact_id=contact_id))

    reset = helpers.event("network.user.password_reset_requested", email="Weg@Verein.example")
    helpers.deliver(app, reset)

    assert helpers.emails(app) == []


def test_erasure_drops_the_persons_waiting_digest_items(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "tag@verein.example", digest="daily")
    with helpers.session_of(app) as session:
        addressee = [domain.Addressee("tag@verein.example", "Tag", ("de",))]
        call = helpers.event("funding.call.published")
        planning.plan_emails(session, call, "application_approved", addressee, APPROVED, purpose="newsletter")
        assert session.scalar(select(DigestItem.contact_id)) == contact_id

    helpers.deliver(app, helpers.event("network.contact.erased", contact_id=contact_id))

    with helpers.session_of(app) as session:
        assert session.scalars(select(DigestItem)).all() == []


def test_a_changed_address_is_used_from_then_on(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "alt@verein.example", organization_ids=(ORG,))

    updated = helpers.event(
        "network.contact.updated",
        contact_id=contact_id,
        email="Neu@Verein.example",
        name="Ayşe Y.",
        language="tr",
    )
    helpers.deliver(app, updated)

    recipient = helpers.recipient(app, contact_id)
    assert (recipient.email, recipient.name, recipient.language) == ("neu@verein.example", "Ayşe Y.", "tr")


def test_a_snapshot_replaces_what_notifications_holds_about_the_contact(apps: Apps) -> None:
    app = apps.notifications
    contact_id = helpers.subscribe(app, "alt@verein.example", topics=("funding_calls", "ki_events"))

    snapshot = helpers.event(
        "network.contact.snapshot",
        contact_id=contact_id,
        email="kontakt@bruecken.example",
        topics=[],
        districts=[],
        organization_ids=[ORG],
        consent_confirmed_at=None,
        consent_source="",
    )
    helpers.deliver(app, snapshot)

    recipient = helpers.recipient(app, contact_id)
    assert (recipient.email, recipient.topics, recipient.consent_confirmed_at) == (
        "kontakt@bruecken.example",
        [],
        None,
    )
    assert [o.organization_id for o in recipient.organizations] == [ORG]


def test_a_snapshot_with_a_confirmed_opt_in_keeps_when_it_was_given(apps: Apps) -> None:
    app = apps.notifications
    snapshot = helpers.event("network.contact.snapshot")

    helpers.deliver(app, snapshot)

    recipient = helpers.recipient(app, snapshot.data["contact_id"])
    assert recipient.consent_confirmed_at.isoformat() == "2026-10-01T08:00:00+00:00"
    assert recipient.consent_source == "double_opt_in"
    assert recipient.preferences_url == "http://127.0.0.1:8000/network/preferences?token=abc"


def test_a_redelivered_event_changes_nothing_twice(apps: Apps) -> None:
    app = apps.notifications
    reset = helpers.event("network.user.password_reset_requested")

    outcomes = [helpers.deliver(app, reset), helpers.deliver(app, reset)]

    assert outcomes == ["handled", "duplicate"]
    with helpers.session_of(app) as session:
        assert len(session.scalars(select(Email)).all()) == 1


def pass_on_snapshots(apps: Apps) -> None:
    """Hand network's contact snapshots to notifications, as the relay would."""
    for envelope in builders.network_events(apps.network, "network.contact.snapshot", "notifications"):
        helpers.deliver(apps.notifications, load_envelope(envelope))


def test_a_contact_person_added_in_network_becomes_an_addressee_of_the_organisations_decisions(
    apps: Apps, tokens: TokenMaker
) -> None:
    organisation = builders.verified_organisation(apps.network, "Brückenbau e.V.", "abo@bruecken.example")
    network, staff = apps.client("network"), tokens.headers("caseworker")
    body = {
        "name": "Olena Koval",
        "email": "Olena@Bruecken.example",
        "language": "uk",
        "affiliations": [{"organization_id": organisation.id, "function": "Kasse"}],
    }
    assert network.post("/network/api/v1/contacts", json=body, headers=staff).status_code == 201

    pass_on_snapshots(apps)

    with helpers.session_of(apps.notifications) as session:
        [olena] = recipients.contacts_of_organization(session, organisation.id)
        assert (olena.email, olena.language, olena.consent_confirmed_at) == (
            "olena@bruecken.example",
            "uk",
            None,
        )


def test_a_contact_person_who_leaves_the_organisation_no_longer_hears_about_its_applications(
    apps: Apps, tokens: TokenMaker
) -> None:
    organisation = builders.verified_organisation(apps.network, "Brückenbau e.V.", "abo@bruecken.example")
    network, staff = apps.client("network"), tokens.headers("caseworker")
    helpers.deliver(
        apps.notifications,
        load_envelope(
            builders.network_events(apps.network, "network.contact.subscribed", "notifications")[0]
        ),
    )
    [contact] = network.get(
        "/network/api/v1/contacts", query_string={"organization_id": organisation.id}, headers=staff
    ).json

    left = network.delete(
        f"/network/api/v1/contacts/{contact['id']}/affiliations/{organisation.id}", headers=staff
    )
    pass_on_snapshots(apps)

    assert left.status_code == 200
    recipient = helpers.recipient(apps.notifications, contact["id"])
    assert recipient.organizations == []
    assert recipient.topics == ["funding_calls"] and recipient.consent_confirmed_at is not None
