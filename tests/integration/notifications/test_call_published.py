"""A published funding call reaches the contacts subscribed to funding calls in its districts, each in
their language, once; newsletter mail that carries its one-click unsubscribe."""

from __future__ import annotations

from services.funding.models import outbox as funding_outbox
from services.notifications import domain
from shared.db import transaction
from shared.events.samples import load_sample
from tests.conftest import Apps, Stack
from tests.integration.notifications import helpers
from tests.support import builders

CALL = "funding.call.published"  # the sample is addressed to Köln-Mülheim and Köln-Kalk


def sent(apps: Apps) -> dict[str, object]:
    return {e.recipient: e for e in helpers.emails(apps.notifications) if e.status == "pending"}


def test_a_call_reaches_funding_call_subscribers_of_its_districts_each_in_their_language(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(
        app, "ayse@verein.example", districts=("Köln-Mülheim",), language="tr", name="Ayşe Yılmaz"
    )
    helpers.subscribe(app, "olena@verein.example", districts=(), language="uk", name="Олена Коваленко")
    helpers.subscribe(app, "bonn@verein.example", districts=("Bonn",), language="en")
    helpers.subscribe(app, "termine@verein.example", topics=("ki_events",), districts=("Köln-Mülheim",))

    assert helpers.deliver(app, helpers.event(CALL)) == "handled"

    emails = sent(apps)
    assert sorted(emails) == ["ayse@verein.example", "olena@verein.example"]
    turkish, ukrainian = emails["ayse@verein.example"], emails["olena@verein.example"]
    assert turkish.subject == "Yeni hibe çağrısı: Förderaufruf 2027: Ankommen im Quartier"
    assert ukrainian.subject.startswith("Новий конкурс на фінансування")
    assert {turkish.purpose, ukrainian.purpose} == {domain.NEWSLETTER}
    assert turkish.unsubscribe_url.startswith("http://portal.test/network/unsubscribe?token=")


def test_the_deadline_is_shown_in_berlin_time_with_the_link_to_apply(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(app, "kontakt@verein.example", districts=("Köln-Kalk",))

    helpers.deliver(app, helpers.event(CALL))

    [email] = helpers.emails(app)
    # closes_at 2027-01-31T22:59:59Z is 23:59 on 31 January in Cologne
    assert "01.12.2026 bis 31.01.2027, 23:59 Uhr" in email.body_text
    assert "Projekte von Migrantenorganisationen" in email.body_text
    call_url = load_sample(CALL, 1)["data"]["portal_url"]
    assert f'<a href="{call_url}">Förderaufruf im Portal lesen und Antrag stellen</a>' in email.body_html


def test_a_call_for_every_district_reaches_every_funding_call_subscriber(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(app, "bonn@verein.example", districts=("Bonn",))
    helpers.subscribe(app, "kalk@verein.example", districts=("Köln-Kalk",))

    helpers.deliver(app, helpers.event(CALL, districts=[]))

    assert sorted(sent(apps)) == ["bonn@verein.example", "kalk@verein.example"]


def test_a_redelivered_call_announcement_sends_no_second_email(apps: Apps) -> None:
    app = apps.notifications
    helpers.subscribe(app, "kalk@verein.example", districts=("Köln-Kalk",))
    call = helpers.event(CALL)

    outcomes = [helpers.deliver(app, call), helpers.deliver(app, call)]

    assert outcomes == ["handled", "duplicate"]
    assert len(helpers.emails(app)) == 1


def test_a_call_published_by_funding_arrives_through_the_workers_with_one_click_unsubscribe(
    stack: Stack,
) -> None:
    helpers.subscribe(
        stack.apps.notifications, "kalk@verein.example", districts=("Köln-Kalk",), language="ar"
    )
    with transaction(builders.session_factory(stack.apps.funding)) as session:
        event = funding_outbox.record(session, CALL, 1, load_sample(CALL, 1)["data"])

    [received] = stack.mailbox.wait_for(1, timeout=30)

    message = received.parsed()
    assert received.recipients == ("kalk@verein.example",)
    assert message["Message-ID"] == domain.message_id(event.id, "kalk@verein.example")
    assert message["List-Unsubscribe"].startswith("<http://portal.test/network/unsubscribe?token=")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"].startswith("دعوة جديدة لتقديم طلبات التمويل")
    assert 'dir="rtl"' in message.get_body(("html",)).get_content()
    # the footer links to the person's own preference page, in both parts
    preferences = "http://portal.test/network/preferences?token="
    assert preferences in message.get_body(("plain",)).get_content()
    assert preferences in message.get_body(("html",)).get_content()
