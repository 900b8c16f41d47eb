"""Parcel tracking numbers in the validated formats of the carriers wismo's shops use.

Formats that name themselves (UPS ``1Z...``, USPS ``92``/``94`` runs, UPU S10 ``EA123456789US`` as used by La
Poste and Chronopost, Colissimo ``6A12345678901``, DHL ``JJD...``, Amazon ``TBA...``) are always taken; plain
FedEx (12 or 15 digits) and DHL Express (10 digits) numbers only next to a tracking word or a carrier name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from nlu.extractors.base import SpanSet, ascii_digits, make_entity, strip_token, words_before
from nlu.extractors.config import DEFAULT_TRACKING_CONTEXT_WORDS
from nlu.types import Entity

TRACKING_NUMBER = "tracking_number"

SELF_NAMING_TRACKING = re.compile(
    "|".join(
        (
            r"\b1Z ?[0-9A-Z]{3} ?[0-9A-Z]{3} ?[0-9A-Z]{2} ?[0-9A-Z]{4} ?[0-9A-Z]{4}\b",  # UPS 1Z + 16
            r"\b9[2-5]\d{2}(?: ?\d{4}){4}(?: ?\d{2}){0,1}\b",  # USPS 20/22 digits, grouped by 4
            r"\b[A-Z]{2} ?\d{3} ?\d{3} ?\d{3} ?[A-Z]{2}\b",  # UPU S10: EA123456789US, XX123456789FR
            r"\b\d[A-Z]\d{11}\b",  # Colissimo / La Poste: 6A12345678901, 8R12345678901
            r"\bJJD\d{10,20}\b",  # DHL eCommerce / Parcel
            r"\bTBA\d{12}\b",  # Amazon Logistics
        )
    ),
    re.IGNORECASE,
)
# Plain digit runs that are tracking numbers only in context: FedEx 12/15, DHL Express 10.
CONTEXT_TRACKING = re.compile(r"\b(?:\d{10}|\d{12}|\d{15})\b")
# Every format holds nine digits in a row (spaces allowed), four-digit groups, or starts with 1Z.
_HINT = re.compile(r"1z|\d{3} ?\d{3} ?\d{3}|\d{4} \d{4}", re.IGNORECASE)
_FILLERS = frozenset(
    {"", "number", "no", "no.", "n°", "id", "is", "est", "my", "the", "mon", "le", "de", "du"}
)


class TrackingNumberExtractor:
    """Finds tracking numbers; value in upper case without spaces.

    Args:
        context_words: Per language, words that announce a tracking number; all languages apply.

    >>> [e.value for e in TrackingNumberExtractor().extract("UPS: 1z999aa10123456784")]
    ['1Z999AA10123456784']
    >>> [e.value for e in TrackingNumberExtractor().extract("numéro de suivi 6A12345678901")]
    ['6A12345678901']
    """

    name = "regex_tracking_number"

    def __init__(self, context_words: Mapping[str, Iterable[str]] = DEFAULT_TRACKING_CONTEXT_WORDS) -> None:
        self._context = frozenset(w.lower() for words in context_words.values() for w in words)

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Tracking numbers in ``text``, sorted by start."""
        if _HINT.search(text) is None:
            return []
        entities = []
        taken = SpanSet()
        for m in SELF_NAMING_TRACKING.finditer(text):
            value = ascii_digits(re.sub(r"\s", "", m.group(0)).upper())
            entities.append(make_entity(text, m.start(), m.end(), TRACKING_NUMBER, value, self.name))
            taken.add(*m.span())
        lowered = text.lower()
        # A 10-digit run may be a French phone number, so DHL Express needs the word right before it.
        fedex_named = "fedex" in lowered
        for m in CONTEXT_TRACKING.finditer(text):
            if taken.overlaps(*m.span()):
                continue
            if (fedex_named and len(m.group(0)) != 10) or self._has_context(text, m.start()):
                entities.append(
                    make_entity(
                        text, m.start(), m.end(), TRACKING_NUMBER, ascii_digits(m.group(0)), self.name
                    )
                )
        return sorted(entities, key=lambda e: e.start)

    def _has_context(self, text: str, start: int) -> bool:
        for distance, token in enumerate(reversed(words_before(text, start))):
            word = strip_token(token)
            if word in self._context:
                return True
            if word not in _FILLERS or distance >= 3:
                return False
        return False
