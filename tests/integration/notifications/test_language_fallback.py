"""An email is written in the reader's language if a template exists in it, else in a language
their organisation offers (as network's ``network.organization.changed`` tells it), else German."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.notifications.models import Email
from shared.db import utcnow
from tests.conftest import Apps
from tests.integration.notifications import helpers

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"  # the golden samples' applicant organisation
FARSI = "fa"  # a language people choose that has no templates (yet)


def organisation_offers(apps: Apps, *languages: str, organization_id: str = ORG, when: int = 0) -> None:
    changed = helpers.event(
        "network.organization.changed", organization_id=organization_id, languages=list(languages)
    )
    changed = replace(changed, occurred_at=(utcnow() + timedelta(seconds=when)).isoformat())
    assert helpers.deliver(apps.notifications, changed) == "handled"


def email_to(apps: Apps, address: str) -> Email:
    [email] = [e for e in helpers.emails(apps.notifications) if e.recipient == address]
    return email


def test_a_reader_whose_language_has_no_template_reads_a_language_of_their_organisation(apps: Apps) -> None:
    organisation_offers(apps, FARSI, "ar", "de")
    helpers.subscribe(apps.notifications, "kontakt@bruecken.example", organization_ids=(ORG,), language=FARSI)

    helpers.deliver(apps.notifications, helpers.event("funding.application.approved"))

    email = email_to(apps, "kontakt@bruecken.example")
    assert email.language == "ar"
    assert any("\u0600" <= letter <= "\u06ff" for letter in email.subject)  # written in Arabic


def test_the_readers_own_language_comes_before_the_organisations(apps: Apps) -> None:
    organisation_offers(apps, "ar")
    helpers.subscribe(apps.notifications, "kontakt@bruecken.example", organization_ids=(ORG,), language="uk")

    helpers.deliver(apps.notifications, helpers.event("funding.application.approved"))

    assert email_to(apps, "kontakt@bruecken.example").language == "uk"


def test_without_a_language_of_the_reader_or_the_organisation_the_email_is_german(apps: Apps) -> None:
    organisation_offers(apps, FARSI, "ku")
    helpers.subscribe(apps.notifications, "kontakt@bruecken.example", organization_ids=(ORG,), language=FARSI)

    helpers.deliver(apps.notifications, helpers.event("funding.application.approved"))

    assert email_to(apps, "kontakt@bruecken.example").language == "de"


def test_a_subscriber_of_funding_calls_reads_their_organisations_language(apps: Apps) -> None:
    organisation_offers(apps, FARSI, "tr")
    helpers.subscribe(
        apps.notifications, "calls@bruecken.example", organization_ids=(ORG,), language=FARSI, districts=()
    )

    helpers.deliver(apps.notifications, helpers.event("funding.call.published", districts=[]))

    assert email_to(apps, "calls@bruecken.example").language == "tr"


def test_an_older_organisation_profile_arriving_late_changes_nothing(apps: Apps) -> None:
    organisation_offers(apps, "ru", when=0)
    organisation_offers(apps, "tr", when=-60)
    helpers.subscribe(apps.notifications, "kontakt@bruecken.example", organization_ids=(ORG,), language=FARSI)

    helpers.deliver(apps.notifications, helpers.event("funding.application.approved"))

    assert email_to(apps, "kontakt@bruecken.example").language == "ru"
