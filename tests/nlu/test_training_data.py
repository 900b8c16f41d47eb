"""Loading Rasa YAML and CSV training data, with file:line on every error."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nlu.errors import InvalidTrainingData
from nlu.training_data import language_of, load_training_data, parse_annotated
from nlu.types import EntitySpan


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("annotated", "plain", "spans"),
    [
        ("where is #[1001](order_id)", "where is #1001", [EntitySpan("order_id", 10, 14, "1001")]),
        (
            "[jane@x.com](email) and [1002](order_id)",
            "jane@x.com and 1002",
            [EntitySpan("email", 0, 10, "jane@x.com"), EntitySpan("order_id", 15, 19, "1002")],
        ),
        (
            "sent by [colisimo](carrier:Colissimo)",
            "sent by colisimo",
            [EntitySpan("carrier", 8, 16, "Colissimo")],
        ),
        ('[NY]{"entity": "city", "value": "New York"}', "NY", [EntitySpan("city", 0, 2, "New York")]),
        ("no annotation [here] at all", "no annotation [here] at all", []),
    ],
)
def test_parse_annotated_strips_markup_and_keeps_spans(annotated, plain, spans):
    text, found = parse_annotated(annotated)
    assert text == plain
    assert list(found) == spans
    for span in found:
        assert 0 <= span.start < span.end <= len(text)


@pytest.mark.parametrize(
    "broken",
    [
        "merci [1001(order_id)",
        "it is [1001](Order-Id)",
        "see [](order_id)",
        "it is [ 1001 ](order_id)",
        'x [a]{"entity": }',
    ],
)
def test_parse_annotated_rejects_broken_annotations(broken):
    with pytest.raises(InvalidTrainingData):
        parse_annotated(broken, "f.yml:3")


def test_load_yaml_reads_intents_synonyms_regexes_lookups_with_lines(tmp_path):
    path = write(
        tmp_path / "fr" / "nlu.yml",
        """
        version: "3.1"
        nlu:
        - intent: order_status
          examples: |
            - où est ma commande [1001](order_id) ?
            - elle arrive quand

        - intent: greet
          examples: |
            - bonjour
            - salut
        - synonym: Colissimo
          examples: |
            - colisimo
        - regex: order_id
          examples: |
            - \\bCMD-\\d+\\b
        - lookup: carrier
          examples: |
            - Chronopost
        """,
    )
    data = load_training_data([tmp_path])
    assert [(e.text, e.intent, e.line, e.language) for e in data.examples] == [
        ("où est ma commande 1001 ?", "order_status", 5, "fr"),
        ("elle arrive quand", "order_status", 6, "fr"),
        ("bonjour", "greet", 10, "fr"),
        ("salut", "greet", 11, "fr"),
    ]
    assert data.examples[0].source == str(path)
    assert data.synonyms == {"colisimo": "Colissimo"}
    assert data.regexes == {"order_id": (r"\bCMD-\d+\b",)}
    assert data.lookups == {"carrier": ("Chronopost",)}


def test_load_csv_with_extra_columns_and_annotations(tmp_path):
    write(
        tmp_path / "en" / "extra.csv",
        "id,text,intent,notes\n1,where is [1001](order_id),order_status,x\n2,hi,greet,\n",
    )
    data = load_training_data([tmp_path / "en" / "extra.csv"])
    assert [(e.text, e.intent, e.line, e.language) for e in data.examples] == [
        ("where is 1001", "order_status", 2, "en"),
        ("hi", "greet", 3, "en"),
    ]
    assert data.examples[0].entities == (EntitySpan("order_id", 9, 13, "1001"),)


@pytest.mark.parametrize(
    ("name", "content", "location"),
    [
        ("bad.yml", "nlu:\n- intent: a\n  examples: [\n", ":4"),
        ("bad.csv", "text,label\nhi,greet\n", ":1"),
        ("bad2.csv", "text,intent\nhi,greet\n,greet\n", ":3"),
        ("bad3.yml", "nlu:\n- intent: a\n  examples: |\n    - fine\n    not a list line\n", ":5"),
    ],
)
def test_load_errors_name_file_and_line(tmp_path, name, content, location):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidTrainingData) as caught:
        load_training_data([path])
    assert str(caught.value).startswith(f"{path}{location}:")


def test_load_missing_path_is_an_error(tmp_path):
    with pytest.raises(InvalidTrainingData, match="no such file"):
        load_training_data([tmp_path / "nope"])


@pytest.mark.parametrize(
    ("path", "language"),
    [("training_data/en/nlu/x.yml", "en"), ("data/fr/a/b.csv", "fr"), ("x.fr.yml", "fr"), ("x.yml", None)],
)
def test_language_of_reads_folder_or_suffix(path, language):
    assert language_of(Path(path)) == language


def test_responses_file_is_not_training_data(tmp_path):
    write(tmp_path / "en" / "responses.yml", "responses:\n  ask_order_id:\n  - text: hi\n")
    write(tmp_path / "en" / "nlu.yml", "nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n")
    assert len(load_training_data([tmp_path]).examples) == 2
