"""The one-message fast path equals the batch path, and training is deterministic."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from nlu.classifier import ClassifierParams, IntentClassifier
from nlu.features import FeatureParams, TextFeaturizer

TRAIN = [
    ("where is my order #1001", "order_status", "en"),
    ("has my parcel shipped yet", "order_status", "en"),
    ("when will my package arrive", "order_status", "en"),
    ("tracking number for order 4521 please", "order_status", "en"),
    ("où est ma commande n° 1001", "order_status", "fr"),
    ("ma commande n'est toujours pas arrivée", "order_status", "fr"),
    ("I want to talk to a human", "request_human", "en"),
    ("can I speak to an agent", "request_human", "en"),
    ("je veux parler à un conseiller", "request_human", "fr"),
    ("passez-moi quelqu'un s'il vous plaît", "request_human", "fr"),
    ("hello there", "greet", "en"),
    ("hi", "greet", "en"),
    ("bonjour", "greet", "fr"),
    ("salut toi", "greet", "fr"),
    ("what is the weather like", "out_of_scope", "en"),
    ("tell me a joke", "out_of_scope", "en"),
    ("quel temps fait-il", "out_of_scope", "fr"),
    ("raconte une blague", "out_of_scope", "fr"),
]
TEXTS = [t for t, _, _ in TRAIN]
INTENTS = [i for _, i, _ in TRAIN]
LANGS = [lang for _, _, lang in TRAIN]

PROBES = [
    ("where is ORDER #2002??", "en"),
    ("Où est ma commande, numéro 12 ?", "fr"),
    ("", "en"),
    ("   ", "fr"),
    ("🙂🙂🙂", "en"),
    ("jane@example.com 00123842 ORD-12345", "en"),
    ("mixed Ελληνικά and 中文 text with order 1001", "en"),
    ("a word never seen zzyzx", "en"),
]


@pytest.fixture(scope="module")
def featurizer() -> TextFeaturizer:
    params = FeatureParams(char_min_df=1, word_weight=0.9, char_weight=1.1)
    return TextFeaturizer(params).fit(TEXTS, LANGS)


@pytest.fixture(scope="module")
def classifier(featurizer: TextFeaturizer) -> IntentClassifier:
    return IntentClassifier(ClassifierParams(calibration_split=0.25)).fit(
        featurizer.transform(TEXTS, LANGS), INTENTS
    )


def _dense_one(featurizer: TextFeaturizer, text: str, language: str) -> np.ndarray:
    index, values = featurizer.join(featurizer.word_one(text, language), featurizer.char_one(text))
    row = np.zeros(featurizer.n_features, dtype=np.float64)
    np.add.at(row, index, values)
    return row


@pytest.mark.parametrize(("text", "language"), PROBES + [(t, lang) for t, _, lang in TRAIN[:4]])
def test_featurizer_fast_path_equals_batch(featurizer: TextFeaturizer, text: str, language: str) -> None:
    batch = featurizer.transform([text], [language]).toarray()[0]
    np.testing.assert_allclose(_dense_one(featurizer, text, language), batch, rtol=1e-5, atol=1e-6)


def test_featurizer_fit_transform_equals_fit_then_transform(featurizer: TextFeaturizer) -> None:
    fresh = TextFeaturizer(featurizer.params)
    trained = fresh.fit_transform(TEXTS, LANGS)
    again = fresh.transform(TEXTS, LANGS)
    assert isinstance(trained, sp.csr_matrix)
    np.testing.assert_allclose(trained.toarray(), again.toarray(), rtol=1e-6)


@pytest.mark.parametrize(("text", "language"), PROBES)
def test_classifier_proba_one_equals_predict_proba(
    featurizer: TextFeaturizer, classifier: IntentClassifier, text: str, language: str
) -> None:
    one = classifier.proba_one(
        *featurizer.join(featurizer.word_one(text, language), featurizer.char_one(text))
    )
    batch = classifier.predict_proba(featurizer.transform([text], [language]))[0]
    np.testing.assert_allclose(one, batch, rtol=1e-4, atol=1e-6)


def test_classifier_probabilities_sum_to_one(
    featurizer: TextFeaturizer, classifier: IntentClassifier
) -> None:
    probs = classifier.predict_proba(
        featurizer.transform([t for t, _ in PROBES], [lang for _, lang in PROBES])
    )
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_classifier_training_is_deterministic(
    featurizer: TextFeaturizer, classifier: IntentClassifier
) -> None:
    other_featurizer = TextFeaturizer(featurizer.params).fit(TEXTS, LANGS)
    other = IntentClassifier(classifier.params).fit(other_featurizer.transform(TEXTS, LANGS), INTENTS)
    probes = [t for t, _ in PROBES]
    languages = [lang for _, lang in PROBES]
    np.testing.assert_array_equal(
        classifier.predict_proba(featurizer.transform(probes, languages)),
        other.predict_proba(other_featurizer.transform(probes, languages)),
    )
    assert other.temperature_ == classifier.temperature_


@pytest.mark.parametrize("nb_weight", [0.0, 0.03, 0.5])
def test_classifier_learns_the_training_intents(featurizer: TextFeaturizer, nb_weight: float) -> None:
    model = IntentClassifier(ClassifierParams(nb_weight=nb_weight, calibration_split=0.0))
    model.fit(featurizer.transform(TEXTS, LANGS), INTENTS)
    assert list(model.predict(featurizer.transform(TEXTS, LANGS))) == INTENTS


def test_classifier_binary_problem_ranks_both_classes(featurizer: TextFeaturizer) -> None:
    keep = [i for i, intent in enumerate(INTENTS) if intent in {"greet", "request_human"}]
    X = featurizer.transform([TEXTS[i] for i in keep], [LANGS[i] for i in keep])
    model = IntentClassifier().fit(X, [INTENTS[i] for i in keep])
    assert list(model.classes_) == ["greet", "request_human"]
    assert list(model.predict(X)) == [INTENTS[i] for i in keep]
