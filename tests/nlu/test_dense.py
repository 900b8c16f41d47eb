"""Dense sentence features (``nlu.dense``): configuration, training, the one-message path, saving and loading.

Most tests use :class:`LetterEncoder`, a small deterministic encoder of this module named the way a user names
their own (``package.module:factory``), so the plumbing is tested on every machine. The tests of the packaged
all-MiniLM-L6-v2 encoder run where the ``dense`` extra is installed and skip elsewhere.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import string
import subprocess
import sys

import numpy as np
import pytest

from nlu.config import NLUConfig
from nlu.dense import DenseFeaturizer, DenseParams, load_encoder, packaged_available
from nlu.engine import NLUEngine
from nlu.errors import IncompatibleModel, InvalidConfig
from nlu.model_io import load_model, save_model
from nlu.types import TrainingData
from tests.conftest import REPO

LETTERS = "tests.nlu.test_dense:LetterEncoder"
HAS_MINILM = packaged_available("minilm")


class LetterEncoder:
    """Centred letter frequencies: 26 dimensions, some negative (naive Bayes must never see them)."""

    dimension = 26
    fingerprint = "letters-v1"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for char in text.lower():
                if char in string.ascii_lowercase:
                    row[ord(char) - ord("a")] += 1.0
        return rows - rows.mean(axis=1, keepdims=True)


def dense_config(encoder: str = LETTERS, **params) -> NLUConfig:
    return dataclasses.replace(NLUConfig(), dense=DenseParams(encoder=encoder, **params))


@pytest.fixture(scope="module")
def dense_engine(default_training_data) -> NLUEngine:
    return NLUEngine.train(default_training_data, dense_config())


@pytest.fixture(scope="module")
def sparse_engine(default_training_data) -> NLUEngine:
    """Trained with the same (code-default) config as the dense one, less the dense features."""
    return NLUEngine.train(default_training_data, NLUConfig())


MESSAGES = ["where is my order 1001??", "je veux parler à quelqu'un", "refund please", "merci beaucoup", "🙂"]


def test_dense_is_off_by_default_and_the_default_model_has_no_dense_block(default_engine) -> None:
    assert NLUConfig().dense.encoder == ""
    assert default_engine.dense is None and default_engine.sparse_classifier is None


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"weight": 0}, "nlu.dense.weight"),
        ({"encoder": "no-such-encoder"}, "nlu.dense.encoder"),
        ({"batch_size": 0}, "nlu.dense.batch_size"),
        ({"encoders": "minilm"}, "nlu.dense.encoders: unknown key"),
    ],
)
def test_bad_dense_config_names_its_key(section, key) -> None:
    with pytest.raises(InvalidConfig, match=key):
        NLUConfig.from_dict({"dense": section})


def test_an_encoder_that_cannot_be_imported_is_a_config_error(default_training_data) -> None:
    with pytest.raises(InvalidConfig, match=r"nlu.dense.encoder: cannot import 'tests.nlu.test_dense:Nope'"):
        NLUEngine.train(default_training_data, dense_config("tests.nlu.test_dense:Nope"))


def not_an_encoder() -> object:
    return object()


def test_a_factory_that_returns_no_encoder_is_a_config_error(default_training_data) -> None:
    with pytest.raises(InvalidConfig, match=r"must return an object with an int `dimension`"):
        NLUEngine.train(default_training_data, dense_config("tests.nlu.test_dense:not_an_encoder"))


@pytest.mark.skipif(not HAS_MINILM, reason="needs the dense extra: pip install 'wismo[dense]'")
def test_a_folder_without_a_model_is_a_config_error(default_training_data, tmp_path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(InvalidConfig, match="could not be loaded as a sentence-transformers model"):
        NLUEngine.train(default_training_data, dense_config(str(tmp_path)))


@pytest.mark.skipif(HAS_MINILM, reason="the dense extra is installed here")
def test_minilm_without_the_extra_says_how_to_install_it(default_training_data) -> None:
    with pytest.raises(InvalidConfig, match=r"pip install 'wismo\[dense\]'"):
        NLUEngine.train(default_training_data, dense_config("minilm"))


def test_the_classifier_learns_weights_for_the_dense_block(dense_engine) -> None:
    classifier = dense_engine.classifier
    assert classifier.weights_.shape[0] == dense_engine.featurizer.n_features + LetterEncoder.dimension
    assert classifier.n_sparse_ == dense_engine.featurizer.n_features
    assert np.abs(classifier.weights_[classifier.n_sparse_ :]).sum() > 0


def test_one_message_path_matches_the_batch_path(dense_engine) -> None:
    probs, _ = dense_engine.classify_batch(MESSAGES[:4])
    for text, row in zip(MESSAGES[:4], probs, strict=True):
        parsed = dense_engine.parse(text)
        best = dense_engine.intents[int(row.argmax())]
        assert parsed.intent_ranking[0].name == best
        assert parsed.intent_ranking[0].confidence == pytest.approx(float(row.max()), rel=1e-4)


def test_dense_features_change_the_scores(dense_engine, sparse_engine) -> None:
    dense_probs, _ = dense_engine.classify_batch(MESSAGES[:4])
    sparse_probs, _ = sparse_engine.classify_batch(MESSAGES[:4])
    assert not np.allclose(np.log(dense_probs), np.log(sparse_probs), atol=0.05)  # the top ones saturate


def test_languages_the_encoder_does_not_know_are_scored_on_their_ngrams_alone(
    dense_engine, sparse_engine
) -> None:
    assert dense_engine.sparse_classifier is not None  # the default data has French, the encoder is English
    french = dense_engine.parse("où est ma commande 1001 ?", language="fr")
    assert (
        french.intent_ranking
        == sparse_engine.parse("où est ma commande 1001 ?", language="fr").intent_ranking
    )
    english = dense_engine.parse("where is my order 1001?", language="en")
    assert (
        english.intent_ranking != sparse_engine.parse("where is my order 1001?", language="en").intent_ranking
    )


def test_data_only_in_covered_languages_needs_no_second_classifier(default_training_data) -> None:
    english = TrainingData(tuple(e for e in default_training_data.examples if e.language == "en"))
    engine = NLUEngine.train(english, dense_config())
    assert engine.sparse_classifier is None
    assert engine.parse("où est ma commande ?", language="fr").intent.name  # scored with its embedding


def test_parse_of_odd_input_never_raises(dense_engine) -> None:
    for text in ["", "   ", "🙂🙂", "x" * 100_000, "\x00\ud800 mixed Ωμέγα текст"]:
        result = dense_engine.parse(text)
        assert result.intent.name


def test_save_and_load_round_trip(dense_engine, default_training_data, tmp_path) -> None:
    save_model(dense_engine, tmp_path, default_training_data)
    loaded = load_model(tmp_path)
    assert loaded.metadata["dense"] == {
        "encoder": LETTERS,
        "languages": ["en"],
        "dimension": 26,
        "fingerprint": "letters-v1",
    }
    for text in MESSAGES:
        assert loaded.parse(text).intent_ranking == dense_engine.parse(text).intent_ranking


def test_loading_with_another_encoder_fails_clearly(
    dense_engine, default_training_data, tmp_path, monkeypatch
):
    save_model(dense_engine, tmp_path, default_training_data)
    monkeypatch.setattr(load_encoder(LETTERS), "fingerprint", "letters-v2")
    with pytest.raises(IncompatibleModel, match=r"another .* encoder .* retrain with `wismo train`"):
        load_model(tmp_path)


def test_embeddings_are_unit_length_weighted_and_memoised_within_bounds() -> None:
    featurizer = DenseFeaturizer(DenseParams(encoder=LETTERS, weight=2.0, cache_size=2, batch_size=2)).fit()
    encoder = load_encoder(LETTERS)
    texts = ["alpha", "beta", "gamma", "delta", "alpha"]
    before = encoder.calls
    matrix = featurizer.transform(texts)
    assert matrix.shape == (5, 26)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 2.0)
    assert np.array_equal(matrix[0], matrix[4])
    assert encoder.calls - before == 2  # four distinct texts in batches of two
    assert len(featurizer._memo) <= 2
    assert np.allclose(featurizer.one("gamma"), matrix[2])


@pytest.mark.skipif(not HAS_MINILM, reason="needs the dense extra: pip install 'wismo[dense]'")
def test_packaged_minilm_encoder_gives_meaningful_unit_vectors() -> None:
    featurizer = DenseFeaturizer(DenseParams(encoder="minilm", weight=1.0)).fit()
    assert featurizer.dimension_ == 384
    where, shipped, refund = featurizer.transform(
        ["where is my order?", "has my parcel been shipped yet", "I want my money back for the kettle"]
    )
    assert np.allclose([np.linalg.norm(v) for v in (where, shipped, refund)], 1.0, atol=1e-4)
    assert where @ shipped > where @ refund


@pytest.mark.skipif(not HAS_MINILM, reason="needs the dense extra: pip install 'wismo[dense]'")
def test_model_with_minilm_round_trips(default_training_data, tmp_path) -> None:
    engine = NLUEngine.train(default_training_data, dense_config("minilm"))
    save_model(engine, tmp_path, default_training_data)
    loaded = load_model(tmp_path)
    assert loaded.metadata["dense"]["dimension"] == 384
    assert loaded.parse("where is my parcel, it has been a week").intent.name == "order_status"
    assert loaded.parse("can I speak to a real person").intent.name == "request_human"


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs PyTorch installed (the dense extra)"
)
def test_tokenising_does_not_load_torch_but_torch_still_imports_afterwards() -> None:
    # spaCy's thinc would import torch (about 1 s and 185 MB) in every process that tokenises.
    script = (
        "import sys; from nlu.text import blank_pipeline; blank_pipeline('fr'); print('torch' in sys.modules); "
        "import torch; print(isinstance(torch.__version__, str))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "True"]


def test_no_memo_means_every_text_is_encoded_and_other_memos_are_left_alone() -> None:
    """Regression (review): cache_size 0 still read the shared memo (the benchmark timed memo hits), and a small
    cache_size trimmed every featuriser's embeddings."""
    encoder = load_encoder(LETTERS)
    warm = DenseFeaturizer(DenseParams(encoder=LETTERS, cache_size=100)).fit()
    warm.transform(["kiwi", "plum", "fig"])
    cold = DenseFeaturizer(DenseParams(encoder=LETTERS, cache_size=0)).fit()
    before = encoder.calls
    cold.one("kiwi")
    cold.one("kiwi")
    assert encoder.calls - before == 2
    DenseFeaturizer(DenseParams(encoder=LETTERS, cache_size=1)).fit().transform(["pear", "lime"])
    assert {"kiwi", "plum", "fig"} <= set(warm._memo)
