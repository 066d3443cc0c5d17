"""Finding likely duplicate organisations: similar names in one municipality, same email or phone.

Names are compared after normalising (lowercase, umlauts and ß folded, legal-form suffixes such as
"e.V." or "gGmbH" and punctuation removed). Two names count as similar when difflib's ratio of the
normalised names is at least NAME_THRESHOLD (0.85: catches "Brückenbau e.V." vs "Brueckenbau eV"
and single typos, but not "Elternverein Kalk" vs "Elternverein Mülheim") or when one name's words
are all contained in the other's (e.g. "Brückenbau" vs "Verein Brückenbau Köln").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

NAME_THRESHOLD = 0.85
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
LEGAL_FORM_WORDS = frozenset(
    {
        "ev",
        "e v",
        "gev",
        "ggmbh",
        "gmbh",
        "gug",
        "ug",
        "ag",
        "kg",
        "gbr",
        "eg",
        "mbh",
        "verein",
        "eingetragener",
        "eingetragen",
        "gemeinnuetzige",
        "gemeinnuetziger",
        "stiftung",
        "e",
    }
)
_MIN_CONTAINED_WORDS = 1


@dataclass(frozen=True)
class Candidate:
    """An organisation compared against: what the registry knows of it."""

    id: str
    name: str
    place: str
    emails: frozenset[str]
    phones: frozenset[str]


@dataclass(frozen=True)
class Match:
    id: str
    reasons: tuple[str, ...]
    name_similarity: float


def normalize_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name).lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\be\.\s*v\.?", " ev ", text)
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(word for word in words if word not in LEGAL_FORM_WORDS)


def normalize_phone(phone: str) -> str:
    """Digits only, +49/0049 written as a leading 0, so "+49 221 123" equals "0221-123"."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+49"):
        digits = "0" + digits[2:]
    elif digits.startswith("0049"):
        digits = "0" + digits[4:]
    return digits if len(digits) >= 6 else ""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def name_similarity(a: str, b: str) -> float:
    left, right = normalize_name(a), normalize_name(b)
    if not left or not right:
        return 0.0
    ratio = SequenceMatcher(None, left, right).ratio()
    small, large = sorted((set(left.split()), set(right.split())), key=len)
    if len(small) >= _MIN_CONTAINED_WORDS and small <= large:
        ratio = max(ratio, NAME_THRESHOLD)
    return round(ratio, 3)


def find_matches(subject: Candidate, others: list[Candidate]) -> list[Match]:
    matches = []
    for other in others:
        if other.id == subject.id:
            continue
        reasons, similarity = [], 0.0
        if subject.place and subject.place == other.place:
            similarity = name_similarity(subject.name, other.name)
            if similarity >= NAME_THRESHOLD:
                reasons.append("similar_name")
        if subject.emails & other.emails:
            reasons.append("same_email")
        if subject.phones & other.phones:
            reasons.append("same_phone")
        if reasons:
            matches.append(Match(other.id, tuple(reasons), similarity))
    return sorted(matches, key=lambda m: (-len(m.reasons), -m.name_similarity, m.id))
