"""Phone numbers: international (``+33 6 12 34 56 78``), French (``06 12 34 56 78``), North American
(``(555) 123-4567``) and British (``07700 900123``) formats.

An unformatted run of digits (``0612345678``) right after an order or tracking word is left to those
extractors: ``commande 0612345678`` is an order number.
"""

from __future__ import annotations

import re
from datetime import datetime

from nlu.extractors.base import DIGIT, ascii_digits, make_entity, strip_token, words_before
from nlu.types import Entity

PHONE = "phone"

PHONE_PATTERN = re.compile(
    "|".join(
        (
            r"\+\d{1,3}[\s.-]?(?:\((?:0|\d{2,4})\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,5}",  # +33 6 12 34 56 78
            r"\b0[1-9](?:[\s.-]?\d{2}){4}",  # 06 12 34 56 78, 0612345678
            r"\(\d{3}\)[\s.-]?\d{3}[\s.-]?\d{4}",  # (555) 123-4567
            r"\b\d{3}[.-]\d{3}[.-]\d{4}",  # 555-123-4567
            r"\b0[1-9]\d{2,3}\s\d{6,7}",  # 07700 900123, 0161 4960000
            r"\b0\d{2}\s\d{4}\s\d{4}",  # 020 7946 0018
        )
    )
)
_NOT_PHONE_CONTEXT = frozenset(
    {
        "order",
        "commande",
        "cde",
        "ref",
        "référence",
        "reference",
        "tracking",
        "suivi",
        "colis",
        "n°",
        "#",
        "no.",
    }
)
_FILLERS = frozenset(
    {"", "number", "numéro", "numero", "no", "is", "est", "my", "mon", "ma", "de", "du", "le"}
)


class PhoneExtractor:
    """Finds phone numbers; the value is its digits, with ``+`` first when it was written.

    >>> [e.value for e in PhoneExtractor().extract("Call me on +33 (0)6 12 34 56 78 or (555) 123-4567.")]
    ['+33612345678', '5551234567']
    """

    name = "regex_phone"

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Phone numbers in ``text``, sorted by start."""
        if len(DIGIT.findall(text)) < 8:
            return []
        entities = []
        for m in PHONE_PATTERN.finditer(text):
            start, end = m.span()
            if end < len(text) and (
                text[end].isdigit() or (text[end] in "/-" and text[end - 1 : end].isdigit())
            ):
                continue  # part of a longer number, or a date such as 12.03.2024
            raw = m.group(0)
            digits = re.sub(r"\(0\)", "", raw) if raw.startswith("+") else raw
            digits = re.sub(r"\D", "", digits)
            if not 8 <= len(digits) <= 15:
                continue
            if raw.isdigit() and self._announced_as_other(text, start):
                continue
            value = ("+" if raw.startswith("+") else "") + ascii_digits(digits)
            entities.append(make_entity(text, start, end, PHONE, value, self.name))
        return entities

    @staticmethod
    def _announced_as_other(text: str, start: int) -> bool:
        for distance, token in enumerate(reversed(words_before(text, start))):
            if token in _NOT_PHONE_CONTEXT or strip_token(token) in _NOT_PHONE_CONTEXT:
                return True
            if strip_token(token) not in _FILLERS or distance >= 3:
                return False
        return False
