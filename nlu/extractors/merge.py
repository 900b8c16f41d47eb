"""One precedence rule for entities that overlap, whichever extractors found them.

Candidates are ranked, and each is kept only if it overlaps none ranked above it:

1. Rule extractors (validated patterns, fuzzy lookups) before the learned extractor, always.
2. Among rule entities, by type in :data:`ENTITY_PRIORITY`: ``email`` > ``tracking_number`` > ``phone`` >
   ``order_id`` > ``order_date`` > ``carrier``, then any other type in alphabetical order. The most
   self-validating formats come first: an address with ``@`` cannot be anything else, a carrier-validated
   ``1Z...`` is a tracking number even though it would pass as a shop order number, and a phone number is
   told apart from an order number by its formatting.
3. Then the longer span, then higher confidence, then the earlier start.

Exact duplicates (same type, span and value) collapse to one. The result is sorted by start.
"""

from __future__ import annotations

from collections.abc import Iterable

from nlu.extractors.base import SpanSet
from nlu.types import Entity

LEARNED_EXTRACTOR = "learned"
ENTITY_PRIORITY: tuple[str, ...] = ("email", "tracking_number", "phone", "order_id", "order_date", "carrier")
_PRIORITY = {name: rank for rank, name in enumerate(ENTITY_PRIORITY)}


def _rank(entity: Entity) -> tuple[int, int, str, int, float, int]:
    learned = int(entity.extractor == LEARNED_EXTRACTOR)
    return (
        learned,
        _PRIORITY.get(entity.entity, len(_PRIORITY)),
        entity.entity,
        -(entity.end - entity.start),
        -entity.confidence,
        entity.start,
    )


def merge_entities(groups: Iterable[Iterable[Entity]]) -> tuple[Entity, ...]:
    """Entities from every extractor, without duplicates or overlapping spans, sorted by start.

    Args:
        groups: The output of each extractor (any order; precedence does not depend on it).

    >>> from nlu.types import Entity
    >>> order = Entity("order_id", "1Z999AA10123456784", "1Z999AA10123456784", 0, 18, "regex_order_id")
    >>> track = Entity("tracking_number", "1Z999AA10123456784", "1Z999AA10123456784", 0, 18, "regex_tracking_number")
    >>> [e.entity for e in merge_entities([[order], [track]])]
    ['tracking_number']
    """
    kept: list[Entity] = []
    spans = SpanSet()
    for entity in sorted({e for group in groups for e in group if e.end > e.start}, key=_rank):
        if not spans.overlaps(entity.start, entity.end):
            spans.add(entity.start, entity.end)
            kept.append(entity)
    return tuple(sorted(kept, key=lambda e: (e.start, e.end)))
