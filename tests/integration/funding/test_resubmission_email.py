"""When an applicant resubmits after a change request, the caseworkers hear that it is back."""

from __future__ import annotations

import pytest

from shared.events import load_envelope
from tests.conftest import Apps
from tests.integration.funding.helpers import Desk, make_eligible, outbox_rows
from tests.integration.notifications import helpers as notifications
from tests.support import builders
from tests.support.tokens import TokenMaker

CHANGES = {"comment": "Bitte ergänzen Sie die Raummiete im Finanzierungsplan."}
CASEWORKERS = "foerderung@ki.example, Sb@ki.example"


@pytest.fixture
def desk(apps: Apps, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch) -> Desk:
    monkeypatch.setenv("NOTIFY_CASEWORKERS", CASEWORKERS)
    desk = Desk.around(apps.funding, tokens, builders.open_call(apps.funding))
    make_eligible(apps.funding, desk.organization_id)
    return desk


def resubmitted(desk: Desk, note: str) -> str:
    """An application sent back for changes and resubmitted with ``note``."""
    application_id = desk.in_state("submitted")
    steps = [
        ("start_review", desk.caseworker, {}),
        ("request_changes", desk.caseworker, CHANGES),
        ("resubmit", desk.applicant, {"comment": note}),
    ]
    for action, headers, body in steps:
        response = desk.act(application_id, action, headers, body)
        assert response.status_code == 200, (action, response.json)
    return application_id


def hand_over_to_notifications(apps: Apps, desk: Desk) -> None:
    """Funding's outbox row for notifications delivered to notifications' inbox, as the relay would."""
    [row] = outbox_rows(desk.app, "funding.application.resubmitted")
    assert notifications.deliver(apps.notifications, load_envelope(row.envelope)) == "handled"


def test_the_caseworkers_get_an_email_that_a_changed_application_is_back_with_the_applicants_note(
    apps: Apps, desk: Desk
) -> None:
    application_id = resubmitted(desk, "Raummiete ergänzt.")

    hand_over_to_notifications(apps, desk)

    mails = notifications.emails(apps.notifications)
    assert sorted(mail.recipient for mail in mails) == ["foerderung@ki.example", "sb@ki.example"]
    for mail in mails:
        assert mail.subject == "Überarbeiteter Förderantrag: „Sprachcafé für Eltern“"
        assert "Raummiete ergänzt." in mail.body_text and "Raummiete ergänzt." in mail.body_html
        assert f"/funding/applications/{application_id}" in mail.body_text
        assert (mail.language, mail.purpose) == ("de", "administrative")


def test_a_resubmission_without_a_note_says_nothing_about_one(apps: Apps, desk: Desk) -> None:
    resubmitted(desk, "")

    hand_over_to_notifications(apps, desk)

    mail = notifications.emails(apps.notifications)[0]
    assert "Anmerkung" not in mail.body_text and "Anmerkung" not in mail.body_html
