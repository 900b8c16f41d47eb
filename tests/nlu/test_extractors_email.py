"""EmailExtractor: plain and spelt-out addresses."""

from __future__ import annotations

import pytest

from nlu.extractors import EmailExtractor

EXTRACTOR = EmailExtractor()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my email is jane@example.com", "jane@example.com"),
        ("Jane.Doe@Example.COM.", "jane.doe@example.com"),
        ("contact: a.b+c@sub.example.co.uk, thanks", "a.b+c@sub.example.co.uk"),
        ("(jane_doe-1@mail.example.org)", "jane_doe-1@mail.example.org"),
        ("jane at example dot com", "jane@example.com"),
        ("email me at jane at example dot com please", "jane@example.com"),
        ("jane arobase exemple point fr", "jane@exemple.fr"),
        ("mon mail : jean.dupont arobase orange point fr !", "jean.dupont@orange.fr"),
        ("jane(at)example.com", "jane@example.com"),
        ("jane [at] example [dot] com", "jane@example.com"),
        ("jane @ example.com", "jane@example.com"),
        ("JANE AT EXAMPLE DOT COM", "jane@example.com"),
        ("jane at example dot co dot uk", "jane@example.co.uk"),
        ("my email is jane at mail dot example dot com thanks", "jane@mail.example.com"),
        ("jane [at] example [dot] co [dot] uk", "jane@example.co.uk"),
        ("jane at example.co.uk", "jane@example.co.uk"),
        ("jane at example dot co.uk", "jane@example.co.uk"),
        ("jane dot doe at example dot com", "jane.doe@example.com"),
        ("jean arobase orange point co point uk", "jean@orange.co.uk"),
        ("c'est jean point dupont arobase exemple point fr merci", "jean.dupont@exemple.fr"),
        ("mon adresse : marie arobase mail point exemple point fr", "marie@mail.exemple.fr"),
    ],
)
def test_email_finds_address(text: str, expected: str) -> None:
    assert [e.value for e in EXTRACTOR.extract(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "look at this dot matrix",
        "meet me at home",
        "je suis chez moi point com",
        "user@localhost",
        "x@y.z",
        "@example.com",
        "jane@",
        "order #1001",
        "",
    ],
)
def test_email_ignores_non_addresses(text: str) -> None:
    assert EXTRACTOR.extract(text) == []


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("write to jane at example dot co dot uk.", "jane at example dot co dot uk"),
        ("jane at example dot com dot matrix", "jane at example dot com"),
        (
            "au point relais, jean point dupont arobase free point fr",
            "jean point dupont arobase free point fr",
        ),
    ],
)
def test_email_spelt_span_covers_every_label_and_no_more(text: str, surface: str) -> None:
    (entity,) = EXTRACTOR.extract(text)
    assert entity.text == surface == text[entity.start : entity.end]


def test_email_spelt_dots_are_bounded_in_number() -> None:
    """At most 4 spelt-out labels before "at" and 9 after it, so pasted runs of "dot" are scanned in linear time
    (the bound is what is tested: the old unbounded pattern gave the same empty answers, only slower)."""
    values = lambda text: [e.value for e in EXTRACTOR.extract(text)]  # noqa: E731
    assert values("a dot b dot c dot d at example dot com") == ["a.b.c.d@example.com"]
    assert values("a dot b dot c dot d dot e at example dot com") == ["b.c.d.e@example.com"]
    labels = " dot ".join("abcdefghi")
    assert values(f"jane at {labels} dot com") == [f"jane@{'.'.join('abcdefghi')}.com"]
    assert values(f"jane at {labels} dot j dot com") == []
    assert values("a dot " * 2_000 + "at") == []
    assert values("x at " + "a point " * 2_000) == []


def test_email_excludes_trailing_punctuation_from_span() -> None:
    text = "write to jane@example.com."
    (entity,) = EXTRACTOR.extract(text)
    assert entity.text == "jane@example.com"
    assert text[entity.start : entity.end] == entity.text


def test_email_finds_two_addresses_in_order() -> None:
    values = [e.value for e in EXTRACTOR.extract("a@example.com or b at example dot fr")]
    assert values == ["a@example.com", "b@example.fr"]
