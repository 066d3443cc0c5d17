"""After submitting, the applicant organisation hears how its case goes on: review, withdrawal,
payouts and the proof of use. Each contact person gets one email in their language, without any
newsletter consent (it is about their own grant); a recommendation, an internal step before the
decision, reaches nobody; what the organisation did itself reaches only the staff who decide on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from services.notifications.models import Email
from shared.events import load_envelope
from tests.conftest import Apps
from tests.integration.funding.helpers import Desk, make_eligible, outbox_rows
from tests.integration.notifications import helpers
from tests.support import builders
from tests.support.tokens import TokenMaker

ORG = "c675015f-dbaf-5e66-8cbf-c74f3b24c707"  # the golden samples' applicant organisation
OTHER_ORG = "5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
SUBMITTER = "78deb254-5a7d-4795-b686-1c998e98944e"  # submitted_by in the golden samples
CASE = "/funding/applications/0b7f3c9e-2a51-4c3e-9d8a-5e6f7a8b9c01"  # the samples' application

AYSE, JONAS, SUBMITTING = "ayse@bruecken.example", "jonas@bruecken.example", "antrag@bruecken.example"
GREETINGS = {AYSE: "Merhaba Ayşe Yılmaz,", JONAS: "Guten Tag Jonas Weber,", SUBMITTING: "Guten Tag,"}


@dataclass(frozen=True)
class News:
    event_type: str
    facts: tuple[str, ...]  # what every email says, in its text and its HTML part
    link: str  # the portal page it points to
    data: dict[str, Any] = field(default_factory=dict)  # over the golden sample's payload
    to_submitter: bool = False  # application events also reach the user who submitted


NEWS = [
    News("funding.application.review_started", ("Sprachcafé für Eltern",), CASE, to_submitter=True),
    # 23:30 UTC on the 22nd is already the 23rd in Berlin
    News(
        "funding.application.withdrawn",
        ("23.11.2026",),
        CASE,
        {"withdrawn_at": "2026-11-22T23:30:00+00:00"},
        to_submitter=True,
    ),
    News(
        "funding.payout.approved",
        ("1.500,00 €", "2.500,00 €", "4.000,00 €"),  # this payout, paid out so far, approved
        f"{CASE}/payouts",
        {"amount_cents": 150_000, "paid_out_cents": 250_000},
    ),
    News(
        "funding.payout.rejected",
        ("1.500,00 €", "Bitte fügen Sie die Rechnungen für die erste Rate bei."),
        f"{CASE}/payouts",
    ),
    News("funding.report.overdue", ("29.06.2028",), f"{CASE}/report"),
    News(
        "funding.report.changes_requested",
        ("Bitte belegen Sie die Sachkosten mit einer Belegliste.",),
        f"{CASE}/report",
    ),
    News(
        "funding.report.accepted",
        ("4.000,00 €", "3.900,00 €", "3.550,00 €", "350,00 €"),  # approved, paid out, funded, owed back
        f"{CASE}/report",
        {"paid_out_cents": 390_000, "repayment_claim_cents": 35_000},
    ),
]


def ids(news: News) -> str:
    return news.event_type


@pytest.fixture
def organisation(apps: Apps) -> None:
    """Two contact persons of the applicant, one reading Turkish and one German, none of them a
    newsletter subscriber; the submitting user; and a contact of another organisation."""
    app = apps.notifications
    helpers.contact(app, AYSE, (ORG,), language="tr", name="Ayşe Yılmaz")
    helpers.contact(app, JONAS, (ORG,), language="de", name="Jonas Weber")
    helpers.contact(app, "andere@verein.example", (OTHER_ORG,), language="de", name="Anna Andere")
    know_user(apps, SUBMITTING, SUBMITTER, roles=["applicant"])


def know_user(apps: Apps, email: str, user_id: str, roles: list[str]) -> None:
    """Network told notifications about the account (network.user.updated)."""
    updated = helpers.event("network.user.updated", user_id=user_id, email=email, language="de", roles=roles)
    assert helpers.deliver(apps.notifications, updated) == "handled"


def emails_about(apps: Apps, event_type: str) -> dict[str, Email]:
    found = [e for e in helpers.emails(apps.notifications) if e.event_type == event_type]
    by_recipient = {e.recipient: e for e in found}
    assert len(by_recipient) == len(found), "one email per person"
    return by_recipient


@pytest.mark.usefixtures("organisation")
@pytest.mark.parametrize("news", NEWS, ids=ids)
def test_the_applicants_people_each_get_one_email_in_their_language_with_the_facts(
    apps: Apps, news: News
) -> None:
    assert helpers.deliver(apps.notifications, helpers.event(news.event_type, **news.data)) == "handled"

    mails = emails_about(apps, news.event_type)
    assert sorted(mails) == sorted([AYSE, JONAS] + ([SUBMITTING] if news.to_submitter else []))
    assert (mails[AYSE].language, mails[JONAS].language) == ("tr", "de")
    for address, mail in mails.items():
        assert (mail.status, mail.purpose) == ("pending", "administrative")
        assert mail.body_text.startswith(GREETINGS[address])
        for fact in (*news.facts, news.link):
            assert fact in mail.body_text, (address, fact)
            assert fact in mail.body_html, (address, fact)


@pytest.mark.usefixtures("organisation")
@pytest.mark.parametrize("news", NEWS, ids=ids)
def test_a_redelivered_event_sends_no_second_email(apps: Apps, news: News) -> None:
    event = helpers.event(news.event_type, **news.data)

    outcomes = [helpers.deliver(apps.notifications, event), helpers.deliver(apps.notifications, event)]

    assert outcomes == ["handled", "duplicate"]
    assert len(emails_about(apps, news.event_type)) == (3 if news.to_submitter else 2)


@pytest.mark.usefixtures("organisation")
def test_a_rejected_payout_in_arabic_reads_right_to_left_with_the_reason(apps: Apps) -> None:
    helpers.contact(apps.notifications, "samir@bruecken.example", (ORG,), language="ar", name="سمير")

    helpers.deliver(apps.notifications, helpers.event("funding.payout.rejected"))

    mail = emails_about(apps, "funding.payout.rejected")["samir@bruecken.example"]
    assert mail.language == "ar" and 'dir="rtl"' in mail.body_html
    assert "Bitte fügen Sie die Rechnungen für die erste Rate bei." in mail.body_html


@pytest.mark.usefixtures("organisation")
@pytest.mark.parametrize(
    ("event_type", "decider", "subject", "fact"),
    [
        (
            "funding.payout.requested",
            "leitung@ki.example",  # approvers decide payout requests
            "Mittelabruf eingegangen: „Sprachcafé für Eltern“",
            "1.500,00 €",
        ),
        (
            "funding.report.submitted",
            "sb@ki.example",  # caseworkers review the proof of use
            "Verwendungsnachweis eingegangen: „Sprachcafé für Eltern“",
            "4.550,00 €",  # the actual total costs
        ),
    ],
)
def test_what_the_organisation_did_itself_is_announced_only_to_the_staff_who_decide(
    apps: Apps, event_type: str, decider: str, subject: str, fact: str
) -> None:
    know_user(apps, "sb@ki.example", "5a0e4d2b-3c9f-4d8e-8b7a-2f3e4d5c6b7a", roles=["caseworker"])
    know_user(apps, "leitung@ki.example", "6b1f5e3c-4d0a-4e9f-9c8b-3a4f5e6d7c8b", roles=["approver"])

    helpers.deliver(apps.notifications, helpers.event(event_type))

    [mail] = emails_about(apps, event_type).values()
    assert (mail.recipient, mail.language, mail.purpose) == (decider, "de", "administrative")
    assert mail.subject == subject
    assert fact in mail.body_text and fact in mail.body_html


# --- from funding's API to the inbox ---------------------------------------------------------


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker) -> Desk:
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    helpers.contact(apps.notifications, AYSE, (desk.organization_id,), language="tr", name="Ayşe Yılmaz")
    return desk


def hand_over_to_notifications(apps: Apps, desk: Desk) -> None:
    """Every outbox row funding wrote for notifications delivered to its inbox, as the relay would."""
    for row in outbox_rows(desk.app):
        if row.consumer == "notifications":
            assert helpers.deliver(apps.notifications, load_envelope(row.envelope)) == "handled"


def test_a_recommendation_reaches_nobody_the_decision_is_not_made_yet(apps: Apps, desk: Desk) -> None:
    desk.in_state("recommended")

    hand_over_to_notifications(apps, desk)

    assert [row.consumer for row in outbox_rows(desk.app, "funding.application.recommended")] == []
    assert [e.event_type for e in helpers.emails(apps.notifications)] == ["funding.application.submitted"]


def test_an_application_taken_into_review_and_then_withdrawn_is_told_to_the_contact_both_times(
    apps: Apps, desk: Desk
) -> None:
    application_id = desk.in_state("submitted")
    for action, headers in [("start_review", desk.caseworker), ("withdraw", desk.applicant)]:
        response = desk.act(application_id, action, headers)
        assert response.status_code == 200, (action, response.json)

    hand_over_to_notifications(apps, desk)

    subjects = [e.subject for e in helpers.emails(apps.notifications) if e.recipient == AYSE]
    assert subjects == [
        "“Sprachcafé für Eltern” başlıklı hibe başvurunuz bize ulaştı",
        "“Sprachcafé für Eltern” başlıklı hibe başvurunuz şimdi inceleniyor",
        "“Sprachcafé für Eltern” başlıklı hibe başvurunuz geri çekildi",
    ]
