"""The intent classifier: a linear SVM plus naive Bayes log-counts over TF-IDF features, temperature-calibrated.

Follows scikit-learn's conventions: ``__init__`` stores parameters untouched, ``fit`` returns ``self`` and
learned state ends in ``_``. The score of an intent is the one-vs-rest SVM margin plus a small multiple
(``nb_weight``) of a multinomial naive Bayes log-likelihood. Both are linear in the features, so the sum is folded
into one weight matrix and the parse path stays one sparse dot product. Naive Bayes adds the evidence of rare
n-grams that the SVM's regularisation flattens (the idea behind NBSVM, Wang and Manning, 2012); on CLINC150 it
is worth about half a point of in-scope accuracy at the same out-of-scope recall. Scores become probabilities
through a softmax whose temperature is fitted on a held-out split (Guo et al., 2017), so that a confidence of
0.8 means about 80%. Fits run one after the other: liblinear seeds one process-wide generator, so two fits
in parallel threads would not be reproducible.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from sklearn.svm import LinearSVC

# Training-only modules (scipy.optimize, sklearn.svm, model_selection, naive_bayes) are imported inside the
# functions that fit: a process that only parses starts about half a second faster without them.

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClassifierParams:
    """Hyperparameters of the intent model; pinned so that library default changes don't bite."""

    C: float = 1.0
    class_weight: str | None = "balanced"
    max_iter: int = 5000
    tol: float = 1e-3
    calibration_split: float = 0.2
    random_state: int = 42
    nb_weight: float = 0.03
    nb_alpha: float = 0.05


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of ``scores / temperature``.

    >>> softmax(np.array([[0.0, 0.0]]), 1.0).tolist()
    [[0.5, 0.5]]
    """
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of ``labels`` under softmax(scores / T)."""

    def nll(log_t: float) -> float:
        probs = softmax(scores, float(np.exp(log_t)))
        return float(-np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-12)))

    from scipy.optimize import minimize_scalar

    result = minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded")
    return float(np.exp(result.x))


class IntentClassifier:
    """Linear SVM over sparse features with calibrated probabilities and a fast one-message path."""

    def __init__(self, params: ClassifierParams | None = None) -> None:
        self.params = params or ClassifierParams()

    def _svm(self) -> LinearSVC:
        from sklearn.svm import LinearSVC

        p = self.params
        return LinearSVC(
            C=p.C,
            class_weight=p.class_weight,
            max_iter=p.max_iter,
            tol=p.tol,
            random_state=p.random_state,
            dual="auto",
        )

    def fit(self, X: sp.csr_matrix, y: Sequence[str], nb_features: int | None = None) -> IntentClassifier:
        """Fit on ``X``; naive Bayes reads only its first ``nb_features`` columns (the non-negative TF-IDF ones,
        when dense embeddings follow them), the SVM reads them all."""
        labels = np.asarray(y)
        self.n_sparse_ = X.shape[1] if nb_features is None else nb_features
        self.classes_ = np.unique(labels)
        encoded = np.searchsorted(self.classes_, labels)
        held_split = self._held_out_split(encoded)
        self.temperature_ = 1.0
        if held_split is not None:
            train, test = held_split
            weights, bias = self._linear_model(X[train], encoded[train])
            self.temperature_ = fit_temperature(np.asarray(X[test] @ weights) + bias, encoded[test])
            logger.debug("nlu.calibrate temperature=%.4f held_out=%d", self.temperature_, len(test))
        self.weights_, self.bias_ = self._linear_model(X, encoded)
        return self

    def _held_out_split(self, encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        p = self.params
        counts = np.bincount(encoded)
        if len(self.classes_) < 2 or counts.min() < 2 or p.calibration_split <= 0:
            return None
        n_test = max(round(len(encoded) * p.calibration_split), len(self.classes_))
        from sklearn.model_selection import StratifiedShuffleSplit

        splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_test, random_state=p.random_state)
        train, test = next(splitter.split(np.zeros(len(encoded)), encoded))
        return train, test

    def _linear_model(self, X: sp.csr_matrix, encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights ``(n_features, n_classes)`` and biases of SVM margins plus weighted naive Bayes log-counts."""
        seen = np.unique(encoded)
        svm = self._svm().fit(X, encoded)
        coef = svm.coef_ if len(seen) > 2 else np.vstack([-svm.coef_[0], svm.coef_[0]])
        intercept = svm.intercept_ if len(seen) > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]])
        weights = np.zeros((X.shape[1], len(self.classes_)), dtype=np.float64)
        bias = np.full(len(self.classes_), -10.0)  # a class absent from a split never wins
        weights[:, seen] = coef.T
        bias[seen] = intercept
        if self.params.nb_weight > 0:
            from sklearn.naive_bayes import MultinomialNB

            nb = MultinomialNB(alpha=self.params.nb_alpha).fit(X[:, : self.n_sparse_], encoded)
            weights[: self.n_sparse_, seen] += self.params.nb_weight * nb.feature_log_prob_.T
            bias[seen] += self.params.nb_weight * nb.class_log_prior_
        return np.ascontiguousarray(weights, dtype=np.float32), bias.astype(np.float32)

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_) + self.bias_

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        return softmax(self.decision_function(X), self.temperature_)

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    def proba_one(self, index: np.ndarray, values: np.ndarray, dense: np.ndarray | None = None) -> np.ndarray:
        """Probabilities for one message given its sparse features and, for a model trained with dense
        features, its weighted embedding (the parse hot path)."""
        scores = values @ self.weights_[index] + self.bias_ if len(index) else self.bias_.copy()
        if dense is not None:
            scores = scores + dense @ self.weights_[self.n_sparse_ :]
        return softmax(scores.astype(np.float64), self.temperature_)
