"""Routing: who hears about which event (domain.ROUTES), one email per address."""

from __future__ import annotations

from typing import Any

import pytest

from services.notifications import domain
from services.notifications.services import audiences, planning
from tests.conftest import Apps
from tests.integration.notifications import helpers
from tests.integration.notifications.helpers import APPROVED

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"  # the golden samples' applicant organisation
OTHER_ORG = "5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
SUBMITTER = "78deb254-5a7d-4795-b686-1c998e98944e"  # submitted_by in the golden samples


def know_user(apps: Apps, email: str, user_id: str = SUBMITTER, language: str = "de") -> None:
    """Network told notifications the user's address (an invitation or a password reset)."""
    reset = helpers.event(
        "network.user.password_reset_requested", user_id=user_id, email=email, language=language
    )
    helpers.deliver(apps.notifications, reset)


def audience_of(apps: Apps, event_type: str, **data: Any) -> list[str]:
    payload = {**helpers.event(event_type).data, **data}
    with helpers.session_of(apps.notifications) as session:
        found = audiences.audience(session, domain.route_of(event_type), payload)
        return sorted({a.email for a in found})


def sent_to(apps: Apps, event_type: str) -> list[str]:
    return sorted(e.recipient for e in helpers.emails(apps.notifications) if e.event_type == event_type)


def test_an_approval_reaches_the_organisations_contacts_and_the_submitting_user_once_each(apps: Apps) -> None:
    app = apps.notifications
    know_user(apps, "antrag@bruecken.example")
    helpers.subscribe(app, "kontakt@bruecken.example", organization_ids=(ORG,))
    helpers.subscribe(app, "vorstand@bruecken.example", organization_ids=(ORG, OTHER_ORG))
    helpers.subscribe(app, "andere@verein.example", organization_ids=(OTHER_ORG,))
    # the same person twice: as a contact record and as the user who submitted
    helpers.subscribe(app, "Antrag@bruecken.example", organization_ids=(ORG,))

    helpers.deliver(app, helpers.event("funding.application.approved"))

    assert sent_to(apps, "funding.application.approved") == [
        "antrag@bruecken.example",
        "kontakt@bruecken.example",
        "vorstand@bruecken.example",
    ]
    assert {e.purpose for e in helpers.emails(app)} == {"administrative"}


def test_decisions_reach_contacts_who_never_subscribed_to_anything(apps: Apps) -> None:
    app = apps.notifications
    helpers.deliver(
        app,
        helpers.event(
            "network.contact.snapshot",
            email="still@bruecken.example",
            topics=[],
            districts=[],
            organization_ids=[ORG],
            consent_confirmed_at=None,
            consent_source="",
        ),
    )

    helpers.deliver(app, helpers.event("funding.application.rejected"))

    [email] = helpers.emails(app)
    assert (email.recipient, email.status, email.purpose) == (
        "still@bruecken.example",
        "pending",
        "administrative",
    )


def test_an_unknown_submitting_user_leaves_only_the_contact_persons(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, "kontakt@bruecken.example", organization_ids=(ORG,))

    assert audience_of(apps, "funding.application.approved") == ["kontakt@bruecken.example"]


def test_a_submission_is_confirmed_to_the_applicant_and_announced_to_the_caseworkers(
    apps: Apps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_CASEWORKERS", "foerderung@ki.example, Sb@ki.example")
    app = apps.notifications
    helpers.subscribe(app, "kontakt@bruecken.example", organization_ids=(ORG,))

    helpers.deliver(app, helpers.event("funding.application.submitted"))

    subjects = {e.recipient: e.subject for e in helpers.emails(app)}
    title = "Sprachcafé für Eltern"
    assert subjects == {
        "kontakt@bruecken.example": f"Ihr Förderantrag „{title}“ ist eingegangen",
        "foerderung@ki.example": f"Neuer Förderantrag: „{title}“",
        "sb@ki.example": f"Neuer Förderantrag: „{title}“",
    }


def test_a_call_reaches_consenting_funding_call_subscribers_in_its_districts(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(app, "muelheim@verein.example", districts=("Köln-Mülheim",))
    helpers.subscribe(app, "ueberall@verein.example")  # no districts: every district
    helpers.subscribe(app, "porz@verein.example", districts=("Köln-Porz",))
    helpers.subscribe(app, "termine@verein.example", topics=("ki_events",))
    gone = helpers.subscribe(app, "abgemeldet@verein.example")
    helpers.deliver(app, helpers.event("network.contact.unsubscribed", contact_id=gone))

    assert audience_of(apps, "funding.call.published", districts=["Köln-Mülheim", "Köln-Kalk"]) == [
        "muelheim@verein.example",
        "ueberall@verein.example",
    ]


def test_a_call_for_all_districts_reaches_every_funding_call_subscriber(apps: Apps) -> None:
    helpers.subscribe(apps.notifications, "porz@verein.example", districts=("Köln-Porz",))
    helpers.subscribe(apps.notifications, "termine@verein.example", topics=("ki_events",))

    assert audience_of(apps, "funding.call.published", districts=[]) == ["porz@verein.example"]


@pytest.mark.parametrize(
    "event_type", ["network.event.published", "network.event.updated", "network.event.cancelled"]
)
def test_a_ki_event_reaches_ki_event_subscribers_of_its_districts(apps: Apps, event_type: str) -> None:
    helpers.subscribe(
        apps.notifications, "termine@verein.example", topics=("ki_events",), districts=("Köln-Kalk",)
    )
    helpers.subscribe(apps.notifications, "calls@verein.example", topics=("funding_calls",))

    assert audience_of(apps, event_type, districts=["Köln-Kalk"]) == ["termine@verein.example"]


def test_a_person_in_two_matching_organisations_gets_one_email(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(app, "beide@verein.example", organization_ids=(ORG,))
    helpers.subscribe(app, "Beide@Verein.example", organization_ids=(OTHER_ORG,))
    call = helpers.event("funding.call.published", districts=[])

    with helpers.session_of(app) as session:
        planned = planning.plan_routed(session, call, "application_approved", APPROVED)

    assert planned == 1
    assert sent_to(apps, "funding.call.published") == ["beide@verein.example"]
    [email] = helpers.emails(app)
    assert email.purpose == "newsletter"


def test_an_event_type_without_a_route_is_an_error_not_silence(apps: Apps) -> None:
    with helpers.session_of(apps.notifications) as session, pytest.raises(LookupError, match="no route"):
        planning.plan_routed(
            session, helpers.event("funding.application.recommended"), "application_approved", APPROVED
        )
