"""The trained NLU engine on the project's own training data."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.text import blank_pipeline
from nlu.types import OUT_OF_SCOPE, ParseResult

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("where is my order 1001?", "order_status", "en"),
        ("hi, my parcel still hasn't arrived, can you check #4521", "order_status", "en"),
        ("bonjour, où en est ma commande n° 1001 ?", "order_status", "fr"),
        ("je veux parler à un conseiller", "request_human", "fr"),
        ("can I speak to a real person please", "request_human", "en"),
        ("I want to cancel my order", "cancel_order", "en"),
        ("je voudrais être remboursé", "return_refund", "fr"),
        ("I don't have my order number", "no_order_number", "en"),
        ("merci beaucoup", "thanks", "fr"),
    ],
)
def test_parse_default_model_intents_and_language(default_engine, text, intent, language):
    result = default_engine.parse(text)
    assert result.intent.name == intent
    assert result.language == language


def test_parse_returns_calibrated_ranking(default_engine):
    result = default_engine.parse("where is my order")
    confidences = [s.confidence for s in result.intent_ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert len(result.intent_ranking) == default_engine.config.ranking_size
    assert 0.0 <= confidences[-1] <= confidences[0] <= 1.0
    assert result.intent.confidence == pytest.approx(confidences[0])


def test_parse_below_threshold_is_out_of_scope(default_engine):
    from dataclasses import replace

    engine = default_engine
    original = engine.config
    try:
        engine.config = replace(original, threshold=0.999999)
        result = engine.parse("hmm my thing about the stuff")
    finally:
        engine.config = original
    assert result.intent.name == OUT_OF_SCOPE
    assert result.intent_ranking[0].name != OUT_OF_SCOPE or result.intent_ranking[0].confidence < 0.999999


def test_parse_extracts_entities_with_spans(default_engine):
    text = "Order #1001 please, I'm jane@example.com"
    result = default_engine.parse(text)
    found = {(e.entity, e.value) for e in result.entities}
    assert ("order_id", "1001") in found and ("email", "jane@example.com") in found
    for entity in result.entities:
        assert text[entity.start : entity.end] == entity.text


def test_parse_result_round_trips_through_json(default_engine):
    result = default_engine.parse("où est ma commande 1001")
    again = ParseResult.from_dict(result.to_dict())
    assert again.intent == ParseResult.from_dict(again.to_dict()).intent
    assert again.to_dict() == result.to_dict()


def naughty_strings() -> list[str]:
    path = RESOURCES / "naughty_strings.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [
        *lines,
        "",
        "   ",
        "\n\t",
        "🙂🙂🙂",
        "a" * 100_000,
        "\x00\x01\x02\xff",
        "مرحبا 你好 привет 1001",
        "x" * 3000 + " 1001",
        "\ud800abc",
        "where is order 1001 \udc80\udcff",
        "\udfffjane at example dot com\ud800",
    ]


def test_parse_naughty_strings_never_raise(default_engine):
    for text in naughty_strings():
        result = default_engine.parse(text)
        assert isinstance(result, ParseResult)
        for entity in result.entities:
            assert 0 <= entity.start < entity.end <= len(text)
            assert result.text[entity.start : entity.end] == entity.text


def test_parse_replaces_lone_surrogates_keeping_offsets(default_engine):
    text = "\ud800 order 1001, mail jane at example dot com"
    result = default_engine.parse(text)
    assert result.text == "\ufffd" + text[1:]
    found = {(e.entity, e.value, e.start) for e in result.entities}
    assert ("order_id", "1001", text.index("1001")) in found
    assert ("email", "jane@example.com", text.index("jane")) in found
    assert result.to_dict()["text"].encode("utf-8")


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "\x00\x00"])
def test_parse_empty_like_input_is_out_of_scope(default_engine, text):
    assert default_engine.parse(text).intent.name == OUT_OF_SCOPE


def test_training_is_deterministic(default_training_data, default_engine):
    from nlu.engine import NLUEngine

    again = NLUEngine.train(default_training_data, default_engine.config)
    for text in ["where is my order", "je veux annuler", "blue sky"]:
        assert again.parse(text).to_dict() == default_engine.parse(text).to_dict()


def test_language_identifier_on_training_languages(default_engine):
    assert default_engine.detect_language("où est mon colis s'il vous plaît")[0] == "fr"
    assert default_engine.detect_language("where is my parcel please")[0] == "en"


def test_parse_explicit_language_overrides_detection(default_engine):
    result = default_engine.parse("hello", language="fr")
    assert result.language == "fr"
    assert result.language_confidence == 1.0


def test_trainer_lookup_extends_carriers_and_synonyms_map_values(tmp_path):
    from nlu.engine import NLUEngine
    from nlu.training_data import load_training_data

    data_file = tmp_path / "en" / "nlu.yml"
    data_file.parent.mkdir()
    data_file.write_text(
        "nlu:\n- intent: order_status\n  examples: |\n    - where is my parcel\n    - has it shipped\n"
        "- intent: greet\n  examples: |\n    - hello\n    - hi there\n"
        "- lookup: carrier\n  examples: |\n    - Speedy Parcels\n"
        "- synonym: Speedy Parcels\n  examples: |\n    - speedy\n"
    )
    engine = NLUEngine.train(load_training_data([tmp_path]))
    carriers = [
        (e.text, e.value)
        for e in engine.parse("sent with Speedy Parcels yesterday").entities
        if e.entity == "carrier"
    ]
    assert carriers == [("Speedy Parcels", "Speedy Parcels")]


@pytest.mark.parametrize(
    ("text", "language"), [("bjr", "fr"), ("slt !", "fr"), ("cmd 1006 sam@example.com", "fr"), ("thx", "en")]
)
def test_parse_short_chat_word_names_its_language(default_engine, text, language):
    """Regression (French audit): "bjr" was read as English, too short for the character model."""
    result = default_engine.parse(text)
    assert (result.language, result.language_confidence) == (language, 1.0)


@pytest.mark.parametrize("text", ["1001", "#4521", "  112-1234567-1234567 "])
def test_parse_digits_only_gets_default_language_with_low_confidence(default_engine, text):
    result = default_engine.parse(text)
    assert (result.language, result.language_confidence) == ("en", 0.5)


def test_warm_up_builds_every_configured_language(default_engine):
    blank_pipeline.cache_clear()
    default_engine.warm_up()
    assert blank_pipeline.cache_info().currsize == len(default_engine.config.languages) == 2
    before = blank_pipeline.cache_info().misses
    default_engine.parse("où est ma commande 1001 ?", language="fr")
    assert blank_pipeline.cache_info().misses == before  # the French message found its tokenizer ready
