"""The rule extractors, built once from an :class:`EntityConfig` and run together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nlu.extractors.base import Extractor
from nlu.extractors.carrier import CarrierExtractor
from nlu.extractors.config import EntityConfig
from nlu.extractors.dates import DateExtractor
from nlu.extractors.email import EmailExtractor
from nlu.extractors.merge import merge_entities
from nlu.extractors.order_id import RegexOrderIdExtractor
from nlu.extractors.phone import PhoneExtractor
from nlu.extractors.tracking import TrackingNumberExtractor
from nlu.types import Entity


@dataclass(frozen=True)
class RuleExtractors:
    """Every rule extractor, in one object that the NLU engine calls per message.

    Attributes:
        extractors: The extractors, run in this order (the order does not change the merged result).
        max_scan_chars: Only this many leading characters of a message are scanned.
    """

    extractors: tuple[Extractor, ...]
    max_scan_chars: int = 5_000

    @property
    def entity_types(self) -> frozenset[str]:
        """The entity types these extractors produce (a learned extractor is trained for the others)."""
        return RULE_ENTITY_TYPES

    def extract_all(
        self, text: str, language: str = "en", reference_time: datetime | None = None
    ) -> tuple[Entity, ...]:
        """All rule entities of ``text``, merged (no duplicates, no overlaps) and sorted by start.

        >>> rules = build_rule_extractors(EntityConfig())
        >>> [(e.entity, e.value) for e in rules.extract_all("Order #1001, jane@example.com, sent by UPS")]
        [('order_id', '1001'), ('email', 'jane@example.com'), ('carrier', 'UPS')]
        """
        text = text[: self.max_scan_chars]
        return merge_entities(
            e.extract(text, language=language, reference_time=reference_time) for e in self.extractors
        )


RULE_ENTITY_TYPES = frozenset({"order_id", "email", "order_date", "tracking_number", "carrier", "phone"})


def build_rule_extractors(config: EntityConfig | None = None) -> RuleExtractors:
    """The rule extractors configured by ``config`` (defaults when ``None``), regexes compiled once."""
    config = config or EntityConfig()
    return RuleExtractors(
        extractors=(
            EmailExtractor(),
            TrackingNumberExtractor(config.tracking_context_words),
            PhoneExtractor(),
            RegexOrderIdExtractor(config.order_id_patterns, config.order_context_words),
            DateExtractor(config.day_first),
            CarrierExtractor(config.carriers, config.carrier_min_score),
        ),
        max_scan_chars=config.max_scan_chars,
    )
