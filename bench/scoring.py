"""The plain scikit-learn baseline and the scoring helpers shared by every benchmark section.

The baseline is what the issue compares wismo with: TF-IDF word 1-2 grams and char_wb 2-5 grams in a
``FeatureUnion``, a ``LinearSVC``, and out-of-scope by a threshold on the top decision value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from nlu.types import OUT_OF_SCOPE

Labels = Sequence[str] | np.ndarray


@dataclass(frozen=True)
class OutOfScopeScore:
    """In-scope accuracy and out-of-scope recall of one setting of the threshold."""

    threshold: float
    in_scope_accuracy: float
    oos_recall: float


def baseline_pipeline(random_state: int = 42) -> Pipeline:
    """TF-IDF (word 1-2 + char_wb 2-5, sublinear) into a LinearSVC with scikit-learn's defaults."""
    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    return Pipeline([("features", features), ("svm", LinearSVC(C=1.0, random_state=random_state))])


def baseline_scores(pipeline: Pipeline, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Predicted labels and top decision values of a fitted baseline."""
    margins = pipeline.decision_function(list(texts))
    classes = pipeline.classes_
    return classes[margins.argmax(axis=1)], margins.max(axis=1)


def accuracy(gold: Labels, predicted: Labels) -> float:
    """Share of equal labels.

    >>> accuracy(["a", "b"], ["a", "c"])
    0.5
    """
    return float(np.mean(np.asarray(gold) == np.asarray(predicted))) if len(gold) else 0.0


def apply_threshold(predicted: Labels, score: np.ndarray, threshold: float) -> np.ndarray:
    """Labels with every score below ``threshold`` turned into ``out_of_scope``.

    >>> apply_threshold(["a", "b"], np.array([0.9, 0.2]), 0.5).tolist()
    ['a', 'out_of_scope']
    """
    return np.where(np.asarray(score) < threshold, OUT_OF_SCOPE, np.asarray(predicted, dtype=object))


def oos_score(gold: Labels, predicted: Labels, score: np.ndarray, threshold: float) -> OutOfScopeScore:
    """In-scope accuracy and out-of-scope recall at ``threshold``.

    >>> s = oos_score(["a", "out_of_scope"], ["a", "a"], np.array([0.9, 0.2]), 0.5)
    >>> (s.in_scope_accuracy, s.oos_recall)
    (1.0, 1.0)
    """
    gold_a = np.asarray(gold, dtype=object)
    decided = apply_threshold(predicted, score, threshold)
    inside = gold_a != OUT_OF_SCOPE
    in_scope = float(np.mean(decided[inside] == gold_a[inside])) if inside.any() else 0.0
    recall = float(np.mean(decided[~inside] == OUT_OF_SCOPE)) if (~inside).any() else 0.0
    return OutOfScopeScore(float(threshold), in_scope, recall)


def threshold_for_recall(
    gold: Labels, predicted: Labels, score: np.ndarray, target: float = 0.6
) -> OutOfScopeScore:
    """The lowest threshold whose out-of-scope recall reaches ``target``, and the scores there.

    >>> gold = ["a", "out_of_scope", "out_of_scope"]
    >>> s = threshold_for_recall(gold, ["a", "a", "a"], np.array([0.9, 0.3, 0.5]), 0.5)
    >>> (round(s.threshold, 3), s.oos_recall, s.in_scope_accuracy)
    (0.3, 0.5, 1.0)
    """
    gold_a = np.asarray(gold, dtype=object)
    pred_a = np.asarray(predicted, dtype=object)
    outside = gold_a == OUT_OF_SCOPE
    needed = math.ceil(target * int(outside.sum()) - 1e-9) - int(np.sum(pred_a[outside] == OUT_OF_SCOPE))
    if needed <= 0:
        return oos_score(gold, predicted, score, -math.inf)
    candidates = np.sort(np.asarray(score)[outside & (pred_a != OUT_OF_SCOPE)])
    threshold = float(np.nextafter(candidates[needed - 1], math.inf))
    return oos_score(gold, predicted, score, threshold)


def precision_recall(gold: Labels, predicted: Labels, label: str) -> tuple[float, float]:
    """Precision and recall of one label.

    >>> precision_recall(["x", "x", "y"], ["x", "y", "x"], "x")
    (0.5, 0.5)
    """
    gold_a, pred_a = np.asarray(gold), np.asarray(predicted)
    hits = float(np.sum((gold_a == label) & (pred_a == label)))
    n_pred, n_gold = float(np.sum(pred_a == label)), float(np.sum(gold_a == label))
    return (hits / n_pred if n_pred else 0.0), (hits / n_gold if n_gold else 0.0)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (linear interpolation).

    >>> percentile([1.0, 2.0, 3.0], 50)
    2.0
    """
    return float(np.percentile(np.asarray(values, dtype=float), q))
