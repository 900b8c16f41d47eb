"""Properties every extractor keeps on any input: no exception, spans inside the text, spans that agree."""

from __future__ import annotations

import itertools
import random
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.extractors import build_rule_extractors
from nlu.types import Entity

RULES = build_rule_extractors()
REFERENCE = datetime(2024, 3, 14, 10, 30)
NAUGHTY_FILE = Path(__file__).resolve().parents[1] / "resources" / "naughty_strings.txt"

# Text that looks like what the extractors look for, so hypothesis reaches their deeper branches.
_FRAGMENTS = st.sampled_from(
    [
        "order", "commande", "n°", "#", "No.", "1001", "0612345678", "+33 6 12 34 56 78", "@", " at ",
        " dot ", "arobase", "point", "fr", "com", "1Z999AA10123456784", "EA123456789US", "12/03", "2024-03-12",
        "mardi dernier", "last tuesday", "il y a", "3", "days ago", "99.90", "€", "colisimo", "fedx", "UPS",
        "«", "»", '"', " ", "\u200b", "\u202e", "é", "😀", "-", ".", "/", ":", "0", "9",
    ]
)  # fmt: skip
# st.text() leaves out surrogates ("Cs"), yet a str decoded with surrogateescape holds them. They are 2,048 of
# 1.1 million code points, so they are also drawn on their own, or hypothesis would seldom meet one.
_ANY_CHARACTER = st.one_of(
    st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs")),
    st.characters(categories=("Cs",)),
)
_MESSAGES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=_ANY_CHARACTER, max_size=300),
    st.lists(
        st.one_of(_FRAGMENTS, st.text(max_size=5), st.text(alphabet=_ANY_CHARACTER, max_size=3)), max_size=25
    ).map("".join),
)


def _assert_valid(text: str, entities: tuple[Entity, ...] | list[Entity]) -> None:
    for entity in entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert text[entity.start : entity.end] == entity.text
        assert isinstance(entity.value, str) and entity.value
        assert 0.0 < entity.confidence <= 1.0


@pytest.mark.parametrize("extractor", RULES.extractors, ids=lambda e: e.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_MESSAGES, language=st.sampled_from(["en", "fr", "de", ""]))
def test_extractor_never_raises_and_spans_lie_inside_text(
    extractor: object, text: str, language: str
) -> None:
    entities = extractor.extract(text, language=language, reference_time=REFERENCE)  # type: ignore[attr-defined]
    _assert_valid(text, entities)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_MESSAGES, language=st.sampled_from([None, "en", "fr"]))
def test_parse_never_raises_and_spans_lie_inside_text(
    default_engine, text: str, language: str | None
) -> None:
    result = default_engine.parse(text, language=language, reference_time=REFERENCE)
    assert len(result.text) == len(text)
    _assert_valid(result.text, result.entities)
    result.text.encode("utf-8")  # a lone surrogate became U+FFFD, so the result can be written as JSON


@settings(max_examples=200, deadline=None)
@given(text=_MESSAGES)
def test_extract_all_output_sorted_without_overlaps(text: str) -> None:
    entities = RULES.extract_all(text, "en", REFERENCE)
    _assert_valid(text, entities)
    for first, second in itertools.pairwise(entities):
        assert first.end <= second.start


def _naughty_strings() -> list[str]:
    lines = NAUGHTY_FILE.read_text(encoding="utf-8").split("\n")
    strings = [line for line in lines if not line.startswith("##")]
    rng = random.Random(1001)
    binary = bytes(rng.randrange(256) for _ in range(2_000))
    return [
        *strings,
        "",
        " \t\n\r\x0b\x0c ",
        "\x00\x01\x02\x7f",
        binary.decode("latin-1"),
        binary.decode("utf-8", errors="replace"),
        binary.decode("utf-8", errors="surrogateescape"),
        "\ud800abc",
        "order 1001 \udfff\ud800 jane at example dot com",
        "\ud83d\ude00 commande n° 1001",  # a surrogate pair left unjoined
        "where is my order #1001 " * 4_200,  # about 100 kB
        "1" * 100_000,
        "a@" * 50_000,
        "\n".join(strings),
    ]


NAUGHTY = _naughty_strings()


def test_naughty_corpus_is_substantial() -> None:
    assert len(NAUGHTY) >= 100
    assert any(len(s) >= 100_000 for s in NAUGHTY)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("index", range(len(NAUGHTY)))
def test_extract_all_survives_naughty_string(index: int, language: str) -> None:
    text = NAUGHTY[index]
    _assert_valid(text, RULES.extract_all(text, language, REFERENCE))


@pytest.mark.parametrize("index", range(len(NAUGHTY)))
def test_parse_survives_naughty_string(default_engine, index: int) -> None:
    text = NAUGHTY[index]
    result = default_engine.parse(text, reference_time=REFERENCE)
    _assert_valid(result.text, result.entities)


@pytest.mark.parametrize("extractor", RULES.extractors, ids=lambda e: e.name)
def test_extractor_survives_whole_naughty_corpus_unbounded(extractor: object) -> None:
    for text in NAUGHTY:
        _assert_valid(text, extractor.extract(text, language="fr"))  # type: ignore[attr-defined]
