"""Carrier names, matched exactly or fuzzily with rapidfuzz (``colisimo`` -> Colissimo, ``fedx`` -> FedEx).

False positives on everyday words are the risk, so fuzzy matching is narrow: names of four letters or fewer
(UPS, DHL, GLS, Evri) only match exactly, a misspelling must keep the first letter and score at least
``min_score``, each word goes to its best-scoring reading (``colissimo a`` is the exact ``colissimo``, not a
fuzzy two-word match), and ``UPS`` written in lower case needs a preposition before it ("sent by ups") so that "ups
and downs" is left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from rapidfuzz import fuzz

from nlu.extractors.base import make_entity
from nlu.extractors.config import DEFAULT_CARRIERS
from nlu.types import Entity

CARRIER = "carrier"

_WORD = re.compile(r"\b[^\W\d_]+\b")  # letters only, not the "A" inside "6A12345678901"
_SHORT = 4
_COMMON_WORDS = frozenset({"ups"})
_PREPOSITIONS = frozenset({"by", "via", "with", "from", "par", "avec", "chez", "de", "the"})


class CarrierExtractor:
    """Finds carrier names; the value is the canonical name from the carrier list.

    Args:
        carriers: Canonical carrier names.
        min_score: Lowest rapidfuzz ratio (0-100) for a misspelt name.

    >>> [e.value for e in CarrierExtractor().extract("envoyé par colisimo, pas par fedx")]
    ['Colissimo', 'FedEx']
    >>> CarrierExtractor().extract("ups and downs of le poste")
    []
    """

    name = "fuzzy_carrier"

    def __init__(self, carriers: Iterable[str] = DEFAULT_CARRIERS, min_score: float = 88.0) -> None:
        self._min_score = min_score
        self._exact: dict[str, str] = {}
        aliases: list[tuple[str, str]] = []
        for name in carriers:
            for alias in sorted({name.lower(), name.lower().replace(" ", "")}):
                self._exact[alias] = name
                if len(alias) > _SHORT:
                    aliases.append((alias, name))
        # fuzz.ratio >= min_score is impossible when lengths differ by more than this factor, so each
        # (first letter, length) of a query maps to the few aliases worth scoring; most words map to none.
        factor = 200 / min_score - 1
        index: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
        for alias, name in aliases:
            for length in range(_SHORT, int(len(alias) * factor) + 1):
                if max(length, len(alias)) <= min(length, len(alias)) * factor:
                    index[alias[0], length].append((alias, name))
        self._fuzzy = {key: tuple(values) for key, values in index.items()}

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Carrier names in ``text``, sorted by start; the best-scoring reading of each word wins."""
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
        candidates: list[tuple[float, int, int, int, str]] = []  # score, size, first word, last word, alias
        for size in (1, 2):
            for i in range(len(words) - size + 1):
                query = words[i][2] if size == 1 else f"{words[i][2]} {words[i + 1][2]}"
                match = self._match(query)
                if match is None:
                    continue
                alias, score = match
                start, end = words[i][0], words[i + size - 1][1]
                if alias in _COMMON_WORDS and not self._common_word_is_carrier(text, start, end, words, i):
                    continue
                candidates.append((score, size, i, i + size - 1, alias))
        taken = [False] * len(words)
        found: list[Entity] = []
        for score, _, first, last, alias in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
            if taken[first] or taken[last]:
                continue
            taken[first] = taken[last] = True
            start, end = words[first][0], words[last][1]
            found.append(make_entity(text, start, end, CARRIER, self._exact[alias], self.name, score / 100))
        return sorted(found, key=lambda e: e.start)

    def _match(self, query: str) -> tuple[str, float] | None:
        """The alias ``query`` stands for, with its score; exact names win."""
        if query in self._exact:
            return query, 100.0
        best: tuple[str, float] | None = None
        for alias, _ in self._fuzzy.get((query[0], len(query)), ()):
            score = fuzz.ratio(query, alias, score_cutoff=self._min_score)
            if score and (best is None or score > best[1]):
                best = (alias, score)
        return best

    @staticmethod
    def _common_word_is_carrier(
        text: str, start: int, end: int, words: list[tuple[int, int, str]], i: int
    ) -> bool:
        return text[start:end].isupper() or (i > 0 and words[i - 1][2] in _PREPOSITIONS)
