"""The extractor protocol and the small span helpers every rule extractor shares.

An extractor is a pure function object: it reads one message and returns the entities it is sure of. It does
no I/O, never raises on any ``str`` and returns spans for which ``text[start:end] == entity.text``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from datetime import datetime
from typing import Protocol, runtime_checkable

from nlu.types import Entity

_WORD = re.compile(r"[\w°'’.#:]+|[«»\"“”]")
DIGIT = re.compile(r"\d")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)['’]", re.IGNORECASE)


@runtime_checkable
class Extractor(Protocol):
    """Anything that finds entities in a message.

    Attributes:
        name: Stable name written into :attr:`Entity.extractor`.
    """

    name: str

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Entities found in ``text``, sorted by start offset.

        Args:
            text: The message, any string.
            language: ``en`` or ``fr``; other values fall back to rules that suit both.
            reference_time: "Now" for relative dates; extractors that do not need it ignore it.
        """
        ...


def words_before(text: str, start: int, limit: int = 6, window: int = 60) -> list[str]:
    """The last ``limit`` word-like tokens before ``start``, lower-cased, nearest last.

    Punctuation that carries meaning around identifiers (``#``, ``°``, ``.``, ``:``, quotes) is kept inside the
    tokens so that ``n°`` and ``no.`` stay recognisable.

    >>> words_before("my order no. 1001", 13)
    ['my', 'order', 'no.']
    """
    return [m.group(0).lower() for m in _WORD.finditer(text[max(0, start - window) : start])][-limit:]


def words_after(text: str, end: int, limit: int = 5, window: int = 50) -> list[str]:
    """The first ``limit`` word-like tokens after ``end``, lower-cased, nearest first.

    >>> words_after("1001 is my order", 4)
    ['is', 'my', 'order']
    """
    return [m.group(0).lower() for m in _WORD.finditer(text[end : end + window])][:limit]


def strip_token(token: str) -> str:
    """A token without the punctuation that may cling to it (``order:``) or a French elision (``l'achat``).

    >>> strip_token("«order:"), strip_token("l'achat")
    ('order', 'achat')
    """
    return _ELISION.sub("", token.strip(".:#«»\"“”'’"))


def ascii_digits(value: str) -> str:
    """``value`` with every Unicode decimal digit (Arabic-Indic, full-width...) written as an ASCII digit.

    Regexes' ``\\d`` matches them all, and a shop's order system only knows ``0-9``.

    >>> ascii_digits("١٠٠١"), ascii_digits("ＯＲＤ-１２"), ascii_digits("1Z99")
    ('1001', 'ＯＲＤ-12', '1Z99')
    """
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def make_entity(
    text: str, start: int, end: int, entity: str, value: str, extractor: str, confidence: float = 1.0
) -> Entity:
    """An :class:`Entity` whose ``text`` is taken from the message, so spans can never disagree."""
    return Entity(
        entity=entity,
        value=value,
        text=text[start:end],
        start=start,
        end=end,
        extractor=extractor,
        confidence=confidence,
    )


class SpanSet:
    """Non-overlapping half-open spans, with an overlap test in logarithmic time.

    Long pasted messages can hold thousands of candidates, so extractors must not compare each with all.

    >>> spans = SpanSet()
    >>> spans.add(4, 8)
    >>> spans.overlaps(0, 4), spans.overlaps(7, 9), spans.overlaps(8, 12)
    (False, True, False)
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a character with a span already added."""
        i = bisect_left(self._starts, end)  # spans starting before ``end``; the last one ends latest
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add a span; the caller has checked it overlaps none already there."""
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
