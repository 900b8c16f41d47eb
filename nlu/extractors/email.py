"""Email addresses, plain (``jane@example.com``) or spelt out (``jane at example dot com``, ``jane arobase
exemple point fr``, ``jane(at)example.com``, ``jane [at] example [dot] com``).

Spelt-out addresses must end in a known top-level domain, so that prose such as "look at this dot matrix"
is left alone.
"""

from __future__ import annotations

import re
from datetime import datetime

from nlu.extractors.base import SpanSet, make_entity
from nlu.types import Entity

EMAIL = "email"

_LOCAL = r"[\w%+-]+(?:\.[\w%+-]+)*"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
PLAIN_EMAIL = re.compile(rf"(?<![\w.%+-]){_LOCAL}@(?:{_LABEL}\.)+[^\W\d_]{{2,24}}(?![\w-])")

_AT = r"(?:\s*[(\[{<]\s*(?:at|arobase|@)\s*[)\]}>]\s*|\s+(?:at|arobase)\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|point|\.)\s*[)\]}>]\s*|\s+(?:dot|point)\s+|\.)"
_TLDS = (
    "com|fr|net|org|io|co|uk|de|be|ch|ca|eu|info|biz|us|es|it|nl|lu|me|app|dev|shop|email|mail|online|"
    "re|mq|gp|nc|pf|ma|tn|dz|sn|ci|au|nz|ie|pt|pl|se|no|dk|fi|at|edu|gov"
)
SPELT_EMAIL = re.compile(
    rf"(?<![\w.%+-])({_LOCAL}){_AT}({_LABEL}(?:{_DOT}{_LABEL})*?){_DOT}({_TLDS})(?![\w-])",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
_SPELT_HINT = re.compile(r"\b(?:at|arobase)\b|@", re.IGNORECASE)


class EmailExtractor:
    """Finds email addresses; the value is the address in lower case.

    >>> [e.value for e in EmailExtractor().extract("Mail: Jane.Doe@Example.COM.")]
    ['jane.doe@example.com']
    >>> [e.value for e in EmailExtractor().extract("c'est jane arobase exemple point fr")]
    ['jane@exemple.fr']
    """

    name = "regex_email"

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Plain and spelt-out email addresses in ``text``, sorted by start."""
        if not _SPELT_HINT.search(text):
            return []
        entities = [
            make_entity(text, m.start(), m.end(), EMAIL, m.group(0).lower(), self.name)
            for m in PLAIN_EMAIL.finditer(text)
        ]
        plain = SpanSet()
        for e in entities:
            plain.add(e.start, e.end)
        for m in SPELT_EMAIL.finditer(text):
            if plain.overlaps(m.start(), m.end()):
                continue
            domain = ".".join(_DOT_SPLIT.split(m.group(2)))
            value = f"{m.group(1)}@{domain}.{m.group(3)}".lower()
            if PLAIN_EMAIL.fullmatch(value):
                entities.append(make_entity(text, m.start(), m.end(), EMAIL, value, self.name))
        return sorted(entities, key=lambda e: e.start)
