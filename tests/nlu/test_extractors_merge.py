"""merge_entities: one precedence rule, no duplicates, no overlaps."""

from __future__ import annotations

import pytest

from nlu.extractors import ENTITY_PRIORITY, merge_entities
from nlu.types import Entity


def _entity(
    entity: str, start: int, end: int, extractor: str = "rule", value: str = "v", confidence: float = 1.0
) -> Entity:
    return Entity(entity, value, "x" * (end - start), start, end, extractor, confidence)


def test_merge_priority_order_is_documented() -> None:
    assert ENTITY_PRIORITY == ("email", "tracking_number", "phone", "order_id", "order_date", "carrier")


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        ("email", "order_id"),
        ("tracking_number", "order_id"),
        ("tracking_number", "phone"),
        ("phone", "order_id"),
        ("order_id", "order_date"),
        ("order_date", "carrier"),
        ("carrier", "size"),
    ],
)
def test_merge_rule_priority_decides_overlaps(winner: str, loser: str) -> None:
    merged = merge_entities([[_entity(loser, 0, 10)], [_entity(winner, 2, 8)]])
    assert [e.entity for e in merged] == [winner]


def test_merge_rule_entity_beats_learned_even_when_shorter() -> None:
    learned = _entity("size", 0, 12, extractor="learned", confidence=0.99)
    rule = _entity("carrier", 4, 8)
    assert merge_entities([[learned], [rule]]) == (rule,)


def test_merge_learned_entity_kept_when_nothing_overlaps() -> None:
    learned = _entity("size", 20, 22, extractor="learned", confidence=0.7)
    rule = _entity("order_id", 0, 4)
    assert merge_entities([[rule, learned]]) == (rule, learned)


def test_merge_same_type_prefers_longer_span() -> None:
    short, long = _entity("order_id", 0, 4), _entity("order_id", 0, 9)
    assert merge_entities([[short, long]]) == (long,)


def test_merge_collapses_exact_duplicates() -> None:
    one = _entity("email", 3, 10)
    assert merge_entities([[one], [one], [one]]) == (one,)


def test_merge_result_sorted_by_start_without_overlaps() -> None:
    entities = [_entity("carrier", 30, 35), _entity("email", 0, 10), _entity("order_id", 12, 16)]
    merged = merge_entities([entities])
    assert [e.start for e in merged] == [0, 12, 30]


def test_merge_precedence_does_not_depend_on_group_order() -> None:
    a, b = _entity("phone", 0, 10), _entity("order_id", 0, 10)
    assert merge_entities([[a], [b]]) == merge_entities([[b], [a]]) == (a,)


def test_merge_drops_empty_spans() -> None:
    assert merge_entities([[_entity("order_id", 3, 3)]]) == ()
