"""The registration confirmation email exists in every community language, with the link in it."""

from __future__ import annotations

import pytest

from services.notifications import messages

CONTEXT = {
    "name": "Ayşe Yılmaz",
    "organization_name": "Brückenbau e.V.",
    "confirm_url": "http://portal.test/network/api/v1/organizations/registrations/confirm?token=abc.def",
}


def test_registration_confirm_has_german_english_and_community_languages() -> None:
    assert {"de", "en", "tr", "ar", "uk", "ru"} <= messages.languages_of("registration_confirm")


@pytest.mark.parametrize("language", ["de", "en", "tr", "ar", "uk", "ru"])
def test_each_language_names_the_organisation_and_carries_the_link(language: str) -> None:
    subject, text, html = messages.render("registration_confirm", language, CONTEXT)

    assert "Brückenbau e.V." in subject
    assert CONTEXT["confirm_url"] in text and CONTEXT["confirm_url"] in html
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
