"""Registry rules without a database: status changes, field history, duplicates, languages."""

from __future__ import annotations

import pytest

from services.network.domain import duplicates, registry
from services.network.domain.taxonomy_seed import SEED, VOCABULARIES
from shared.errors import Conflict
from shared.languages import invalid_languages


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("registered", "verify", "verified"),
        ("verified", "suspend", "suspended"),
        ("suspended", "reactivate", "verified"),
        ("registered", "archive", "archived"),
        ("suspended", "archive", "archived"),
    ],
)
def test_allowed_status_changes(status: str, action: str, expected: str) -> None:
    assert registry.next_status(status, action) == expected


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("verified", "verify"),
        ("registered", "suspend"),
        ("verified", "reactivate"),
        ("archived", "reactivate"),
        ("archived", "verify"),
        ("archived", "archive"),
    ],
)
def test_refused_status_changes_are_conflicts(status: str, action: str) -> None:
    with pytest.raises(Conflict):
        registry.next_status(status, action)


def test_only_changed_tracked_fields_count_and_list_order_does_not_matter() -> None:
    before = {"name": "A", "city": "Köln", "languages": ["tr", "de"]}
    after = {"name": "B", "city": "Köln", "languages": ["de", "tr"], "status": "verified"}

    assert registry.changed_fields(before, after) == {"name": ("A", "B")}


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Brückenbau e.V.", "brueckenbau"),
        ("Brueckenbau eV", "brueckenbau"),
        ("Straßenkinder gGmbH", "strassenkinder"),
        ("Türkischer Elternverein Köln-Kalk e. V.", "tuerkischer elternverein koeln kalk"),
        ("Нова Хата – Ukrainischer Kulturverein", "нова хата ukrainischer kulturverein"),
    ],
)
def test_names_are_normalised(name: str, normalised: str) -> None:
    assert duplicates.normalize_name(name) == normalised


def test_similar_names_reach_the_threshold_different_ones_do_not() -> None:
    assert duplicates.name_similarity("Brückenbau e.V.", "Brueckenbau eV") >= duplicates.NAME_THRESHOLD
    assert duplicates.name_similarity("Brückenbau", "Verein Brückenbau Köln") >= duplicates.NAME_THRESHOLD
    assert duplicates.name_similarity("Elternverein Kalk", "Elternverein Mülheim") < duplicates.NAME_THRESHOLD


@pytest.mark.parametrize("phone", ["+49 221 123456", "0049 221 123456", "0221/123456", "(0221) 12 34 56"])
def test_phone_numbers_are_compared_as_national_digits(phone: str) -> None:
    assert duplicates.normalize_phone(phone) == "0221123456"


def test_matches_give_their_reasons_and_ignore_names_in_other_municipalities() -> None:
    subject = duplicates.Candidate("a", "Brückenbau e.V.", "köln", frozenset({"x@y.de"}), frozenset())
    others = [
        duplicates.Candidate("b", "Brueckenbau", "köln", frozenset(), frozenset()),
        duplicates.Candidate("c", "Brückenbau e.V.", "bergheim", frozenset({"x@y.de"}), frozenset()),
        duplicates.Candidate("d", "Ganz anders", "köln", frozenset(), frozenset()),
    ]

    found = {m.id: m.reasons for m in duplicates.find_matches(subject, others)}

    assert found == {"b": ("similar_name",), "c": ("same_email",)}


def test_language_codes_are_iso_639_1_or_known_639_3() -> None:
    assert invalid_languages(["de", "ar", "uk", "prs", "ckb", "xx", "deu1", "DE"]) == ["xx", "deu1", "DE"]


def test_every_vocabulary_has_unique_keys_and_both_labels() -> None:
    assert set(SEED) == set(VOCABULARIES)
    for terms in SEED.values():
        keys = [key for key, _de, _en in terms]
        assert len(keys) == len(set(keys))
        assert all(de and en for _key, de, en in terms)
