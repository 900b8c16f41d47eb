"""LearnedEntityExtractor: BIO token tagging learned from annotated examples."""

from __future__ import annotations

import io
import random

import joblib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from nlu.errors import InvalidTrainingData
from nlu.extractors import LearnedEntityExtractor, merge_entities
from nlu.types import Entity, EntitySpan, Example

_SIZES = ["S", "M", "L", "XL", "XXL", "38", "40", "42", "small", "medium", "large"]
_PRODUCTS = ["running shoes", "denim jacket", "wool scarf", "leather boots", "rain coat", "robe rouge"]
_TEMPLATES = [
    ("en", "I ordered the {product} in size {size}"),
    ("en", "can I swap the {product} for a {size}"),
    ("en", "the {product} in {size} did not fit"),
    ("en", "size {size} please for the {product}"),
    ("en", "do you have the {product} in a {size}"),
    ("fr", "je voudrais la {product} en taille {size}"),
    ("fr", "la {product} en {size} est trop petite"),
    ("fr", "taille {size} pour le {product} svp"),
]


def _example(language: str, template: str, product: str, size: str) -> Example:
    text = template.format(product=product, size=size)
    spans = []
    for entity, value in (("product", product), ("size", size)):
        start = text.index(value) if entity == "product" else text.rindex(value)
        spans.append(EntitySpan(entity, start, start + len(value), value))
    return Example(text=text, intent="change_order", entities=tuple(spans), language=language)


def _training_set(seed: int = 7, n: int = 160) -> list[Example]:
    rng = random.Random(seed)
    return [_example(*rng.choice(_TEMPLATES), rng.choice(_PRODUCTS), rng.choice(_SIZES)) for _ in range(n)]


_FITTED: list[LearnedEntityExtractor] = []


def _shared_extractor() -> LearnedEntityExtractor:
    """One fitted extractor for the whole module (hypothesis tests cannot take function fixtures)."""
    if not _FITTED:
        _FITTED.append(LearnedEntityExtractor().fit(_training_set(), ["size", "product"]))
    return _FITTED[0]


@pytest.fixture
def fitted() -> LearnedEntityExtractor:
    return _shared_extractor()


def test_learned_init_stores_params_untouched() -> None:
    extractor = LearnedEntityExtractor(window=1, C=0.5, max_iter=50, min_confidence=0.2, random_state=3)
    assert vars(extractor) == {
        "window": 1,
        "C": 0.5,
        "max_iter": 50,
        "min_confidence": 0.2,
        "random_state": 3,
    }


def test_learned_fit_returns_self_with_trailing_underscore_state(fitted: LearnedEntityExtractor) -> None:
    learned = sorted(k for k in vars(fitted) if k.endswith("_"))
    assert learned == ["entity_types_", "model_", "vectorizer_"]
    assert fitted.entity_types_ == ("product", "size")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("do you have it in size XL", "en", ("size", "XL")),
        ("I need a 42 instead", "en", ("size", "42")),
        ("je voudrais la taille M", "fr", ("size", "M")),
    ],
)
def test_learned_finds_size_in_unseen_message(
    fitted: LearnedEntityExtractor, text: str, language: str, expected: tuple[str, str]
) -> None:
    found = [(e.entity, e.value) for e in fitted.extract(text, language=language)]
    assert expected in found


def test_learned_joins_multi_token_entity(fitted: LearnedEntityExtractor) -> None:
    found = [(e.entity, e.text) for e in fitted.extract("can I swap the denim jacket for a M")]
    assert ("product", "denim jacket") in found


def test_learned_entity_fields_are_consistent(fitted: LearnedEntityExtractor) -> None:
    text = "the wool scarf in large did not fit"
    entities = fitted.extract(text)
    assert entities
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text == entity.value
        assert entity.extractor == "learned"
        assert fitted.min_confidence <= entity.confidence <= 1.0


def test_learned_finds_nothing_in_unrelated_message(fitted: LearnedEntityExtractor) -> None:
    assert fitted.extract("hello, where is my parcel?") == []


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "\x00", "\ud800abc", "size \udcff L please"])
def test_learned_survives_degenerate_text(fitted: LearnedEntityExtractor, text: str) -> None:
    assert all(text[e.start : e.end] == e.text for e in fitted.extract(text))


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cs")), max_size=200)
)
def test_learned_never_raises_and_spans_lie_inside_text(text: str) -> None:
    extractor = _shared_extractor()
    for entity in extractor.extract(text, language="fr"):
        assert 0 <= entity.start < entity.end <= len(text)
        assert text[entity.start : entity.end] == entity.text


def test_learned_round_trips_through_joblib(fitted: LearnedEntityExtractor) -> None:
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    text = "I ordered the rain coat in size S"
    assert loaded.extract(text) == fitted.extract(text)


def test_learned_training_is_deterministic() -> None:
    data = _training_set(seed=3, n=60)
    text = "can I swap the leather boots for a 40"
    first = LearnedEntityExtractor().fit(data, ["size"]).extract(text)
    second = LearnedEntityExtractor().fit(data, ["size"]).extract(text)
    assert first == second and first


def test_learned_only_tags_requested_types() -> None:
    extractor = LearnedEntityExtractor().fit(_training_set(seed=5, n=60), ["size"])
    entities = extractor.extract("I ordered the running shoes in size 38")
    assert {e.entity for e in entities} == {"size"}


def test_learned_without_annotations_extracts_nothing() -> None:
    data = [Example(text="where is my order", intent="order_status"), Example(text="hi", intent="greet")]
    extractor = LearnedEntityExtractor().fit(data, ["size"])
    assert extractor.model_ is None
    assert extractor.extract("size XL") == []


def test_learned_extract_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        LearnedEntityExtractor().extract("size XL")


def test_learned_rejects_span_outside_text() -> None:
    bad = Example(
        text="size M", intent="x", entities=(EntitySpan("size", 5, 40, "M"),), source="f.yml", line=3
    )
    with pytest.raises(InvalidTrainingData, match=r"f\.yml:3"):
        LearnedEntityExtractor().fit([bad], ["size"])


def test_learned_entity_loses_to_overlapping_rule_entity() -> None:
    learned = [Entity("size", "42 order 1001", "42 order 1001", 5, 18, "learned", 0.9)]
    rule = [Entity("order_id", "1001", "1001", 14, 18, "regex_order_id")]
    assert [e.entity for e in merge_entities([learned, rule])] == ["order_id"]
