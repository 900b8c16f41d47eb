"""Email addresses, plain (``jane@example.com``) or spelt out (``jane at example dot com``, ``jane arobase
exemple point fr``, ``jane(at)example.com``, ``jane [at] example [dot] co [dot] uk``).

The grammar lives in :mod:`nlu.email_address`, shared with the classifier's normalisation.
"""

from __future__ import annotations

from datetime import datetime

from nlu.email_address import find_email_addresses
from nlu.extractors.base import make_entity
from nlu.types import Entity

EMAIL = "email"


class EmailExtractor:
    """Finds email addresses; the value is the address in lower case.

    >>> [e.value for e in EmailExtractor().extract("Mail: Jane.Doe@Example.COM.")]
    ['jane.doe@example.com']
    >>> [e.value for e in EmailExtractor().extract("c'est jane arobase exemple point fr")]
    ['jane@exemple.fr']
    >>> [e.value for e in EmailExtractor().extract("it's jane at example dot co dot uk")]
    ['jane@example.co.uk']
    """

    name = "regex_email"

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Plain and spelt-out email addresses in ``text``, sorted by start."""
        return [
            make_entity(text, start, end, EMAIL, address, self.name)
            for start, end, address in find_email_addresses(text)
        ]
