"""Every message type exists in every language it promises, and every template renders.

``messages.DECLARED`` is the table of message types and languages; the files under
``services/notifications/templates`` are checked against it, and each template is rendered with the
type's sample context under StrictUndefined (a misspelt variable fails here, not in a user's inbox).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from services.notifications import domain, messages

PAIRS = [(kind, language) for kind, languages in messages.DECLARED.items() for language in languages]
STAFF_ONLY = {
    "application_submitted_staff",
    "application_resubmitted_staff",
    "payout_requested_staff",
    "report_submitted_staff",
}


class _Html(HTMLParser):
    """The root element's attributes and the text of every link."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.root = dict(attrs)
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None


def parsed(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    return parser


def test_every_message_type_with_templates_is_declared_with_a_sample_context() -> None:
    on_disk = set(messages.kinds())
    assert on_disk - set(messages.DECLARED) == set(), "declare the new type's languages in messages.DECLARED"
    assert set(messages.DECLARED) - on_disk == set(), "a declared type has no templates folder"
    assert [kind for kind in messages.DECLARED if kind not in messages._samples()] == []


@pytest.mark.parametrize("kind", sorted(messages.DECLARED))
def test_every_declared_language_has_subject_text_and_html(kind: str) -> None:
    folder = messages.TEMPLATES / kind
    missing = [
        f"{kind}/{language}.{part}"
        for language in messages.DECLARED[kind]
        for part in ("subject.txt", "txt", "html")
        if not (folder / f"{language}.{part}").exists()
    ]
    assert missing == []
    assert messages.languages_of(kind) == set(messages.DECLARED[kind])


def test_everything_applicants_contacts_and_participants_receive_comes_in_the_six_languages() -> None:
    for kind, languages in messages.DECLARED.items():
        if kind not in STAFF_ONLY:
            assert set(languages) >= {"de", "en", "tr", "ar", "uk", "ru"}, kind


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_every_template_renders_with_its_sample_and_names_its_language(kind: str, language: str) -> None:
    context = messages.sample_context(kind)

    subject, text, html = messages.render(kind, language, context)

    assert subject and "\n" not in subject
    assert "{{" not in subject + text + html and "{%" not in subject + text + html
    root = parsed(html).root
    assert root.get("lang") == language
    assert root.get("dir") == ("rtl" if language in messages.RIGHT_TO_LEFT else "ltr")
    if context.get("name"):
        assert context["name"] in text and context["name"] in html


@pytest.mark.parametrize(("kind", "language"), PAIRS)
def test_links_in_html_say_where_they_go(kind: str, language: str) -> None:
    _subject, _text, html = messages.render(kind, language, messages.sample_context(kind))

    links = parsed(html).links

    assert links, "every message points somewhere"
    for href, text in links:
        assert href.startswith(("http://", "https://")), href
        assert len(text) > 6 and text.lower() not in {"hier", "here", "link", "klicken sie hier"}, text


@pytest.mark.parametrize("language", messages.COMMUNITY_LANGUAGES)
def test_a_message_to_someone_without_a_name_greets_without_a_gap(language: str) -> None:
    context = {**messages.sample_context("application_approved"), "name": ""}

    _subject, text, _html = messages.render("application_approved", language, context)

    greeting = text.splitlines()[0]
    assert " ," not in greeting and " ،" not in greeting and " !" not in greeting and "  " not in greeting


def test_html_escapes_what_staff_typed_while_the_text_part_keeps_it() -> None:
    context = {**messages.sample_context("call_published"), "title": "Kunst & Kultur <2027>"}

    subject, text, html = messages.render("call_published", "de", context)

    assert "Kunst &amp; Kultur &lt;2027&gt;" in html and "<2027>" not in html
    assert "Kunst & Kultur <2027>" in text and subject == "Neuer Förderaufruf: Kunst & Kultur <2027>"


def test_a_call_announcement_falls_back_from_the_persons_language_to_the_organisations_to_german() -> None:
    available = messages.languages_of("call_published")

    assert domain.choose_language(["tr", "de"], available) == "tr"
    assert domain.choose_language(["fa", "ar"], available) == "ar"  # no Farsi yet: the organisation's
    assert domain.choose_language(["fa", None], available) == "de"


def test_amounts_read_as_euros_in_every_language() -> None:
    context = {**messages.sample_context("application_approved"), "approved_cents": 123_456_78}

    for language in messages.DECLARED["application_approved"]:
        _subject, text, html = messages.render("application_approved", language, context)
        assert "123.456,78 €" in text and "123.456,78 €" in html


@pytest.mark.parametrize(
    ("owed_back", "still_due", "says"),
    [
        (45_000, 0, "Bitte zahlen Sie 450,00 € zurück."),
        (0, 25_000, "Ihre Organisation bekommt noch 250,00 €."),
        (0, 0, "Sie müssen nichts mehr tun."),
    ],
)
def test_a_closed_case_says_what_is_left_to_pay_back_or_receive(
    owed_back: int, still_due: int, says: str
) -> None:
    context = {
        **messages.sample_context("report_accepted"),
        "repayment_claim_cents": owed_back,
        "balance_due_cents": still_due,
    }

    _subject, text, html = messages.render("report_accepted", "de", context)

    assert says in text and says in html
