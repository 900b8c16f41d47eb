"""The intent classifier: a linear SVM over TF-IDF features, calibrated by temperature scaling.

Follows scikit-learn's conventions: ``__init__`` stores parameters untouched, ``fit`` returns ``self`` and
learned state ends in ``_``. Margins of the one-vs-rest SVM become probabilities through a softmax whose
temperature is fitted on a held-out split (Guo et al., 2017), so that a confidence of 0.8 means about 80%.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClassifierParams:
    """Hyperparameters of the intent model; pinned so that library default changes don't bite."""

    C: float = 0.5
    class_weight: str | None = "balanced"
    max_iter: int = 5000
    tol: float = 1e-4
    calibration_split: float = 0.2
    random_state: int = 42


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

    result = minimize_scalar(nll, bounds=(-6.0, 3.0), method="bounded")
    return float(np.exp(result.x))


class IntentClassifier:
    """Linear SVM over sparse features with calibrated probabilities and a fast one-message path."""

    def __init__(self, params: ClassifierParams | None = None) -> None:
        self.params = params or ClassifierParams()

    def _svm(self) -> LinearSVC:
        p = self.params
        return LinearSVC(
            C=p.C,
            class_weight=p.class_weight,
            max_iter=p.max_iter,
            tol=p.tol,
            random_state=p.random_state,
            dual="auto",
        )

    def fit(self, X: sp.csr_matrix, y: Sequence[str]) -> IntentClassifier:
        labels = np.asarray(y)
        self.classes_ = np.unique(labels)
        encoded = np.searchsorted(self.classes_, labels)
        self.temperature_ = self._calibrate(X, encoded)
        svm = self._svm().fit(X, encoded)
        coef = svm.coef_ if len(self.classes_) > 2 else np.vstack([-svm.coef_[0], svm.coef_[0]])
        intercept = svm.intercept_ if len(self.classes_) > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]])
        self.weights_ = np.ascontiguousarray(coef.T, dtype=np.float32)  # (n_features, n_classes)
        self.bias_ = intercept.astype(np.float32)
        return self

    def _calibrate(self, X: sp.csr_matrix, encoded: np.ndarray) -> float:
        p = self.params
        counts = np.bincount(encoded)
        if len(self.classes_) < 2 or counts.min() < 2 or p.calibration_split <= 0:
            return 1.0
        n_test = max(int(round(len(encoded) * p.calibration_split)), len(self.classes_))
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=n_test, random_state=p.random_state)
        train, held = next(splitter.split(np.zeros(len(encoded)), encoded))
        svm = self._svm().fit(X[train], encoded[train])
        scores = self._expand(svm.decision_function(X[held]), svm.classes_)
        temperature = fit_temperature(scores, encoded[held])
        logger.debug("nlu.calibrate temperature=%.4f held_out=%d", temperature, len(held))
        return temperature

    def _expand(self, scores: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """Margins for every class, with classes absent from a training split at a very low score."""
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        full = np.full((scores.shape[0], len(self.classes_)), -10.0)
        full[:, seen] = scores
        return full

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.weights_) + self.bias_

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        return softmax(self.decision_function(X), self.temperature_)

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]

    def proba_one(self, index: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Probabilities for one message given its sparse features (the parse hot path)."""
        scores = values @ self.weights_[index] + self.bias_ if len(index) else self.bias_.copy()
        return softmax(scores.astype(np.float64), self.temperature_)
