"""Which language a message is written in, from a small model trained on the training data itself."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from nlu.email_address import PLAIN_EMAIL

# Chat words that name their language on their own, for messages too short for the character model to be sure
# of ("bjr", "cmd 1006", "thx"): such a message gets that language with confidence 1.
MARKER_WORDS = {
    "fr": frozenset({"bjr", "bonjour", "bonsoir", "slt", "salut", "coucou", "cc", "stp", "svp", "merci", "cmd",
                     "commande", "colis", "allo", "allô", "oui", "ouais", "où", "numéro", "mdr", "jsp"}),
    "en": frozenset({"hi", "hello", "hey", "thanks", "thx", "pls", "please", "order", "parcel", "package", "yes",
                     "yeah", "where", "number"}),
}  # fmt: skip
MAX_MARKED_WORDS = 2  # from three words on, the character model decides
MAX_MARKED_TOKENS = 6  # words, numbers and addresses together: beyond this no message is that short
_LETTER_WORD = re.compile(r"[^\W\d_]+")


def marker_language(text: str) -> str | None:
    """The language a short message names by its chat words alone, if exactly one.

    >>> marker_language("bjr"), marker_language("cmd 1006 sam@example.com"), marker_language("ok")
    ('fr', 'fr', None)
    """
    if len(text.split(maxsplit=MAX_MARKED_TOKENS)) > MAX_MARKED_TOKENS:  # cheap: most messages stop here
        return None
    words = {w.lower() for w in _LETTER_WORD.findall(PLAIN_EMAIL.sub(" ", text))}
    if not words or len(words) > MAX_MARKED_WORDS:
        return None
    named = [language for language, markers in MARKER_WORDS.items() if markers & words]
    return named[0] if len(named) == 1 else None


class LanguageIdentifier:
    """Logistic regression over the character n-gram block (language-agnostic features).

    With data in a single language it always answers that language with confidence 1.
    """

    def __init__(self, C: float = 4.0, random_state: int = 42, default: str = "en") -> None:
        self.C = C
        self.random_state = random_state
        self.default = default

    def fit(self, X_char: sp.csr_matrix, languages: Sequence[str | None]) -> LanguageIdentifier:
        known = np.array([lang is not None for lang in languages])
        labels = np.array([lang or "" for lang in languages])[known]
        self.classes_ = np.unique(labels) if len(labels) else np.array([self.default])
        if len(self.classes_) < 2:
            self.weights_ = None
            return self
        from sklearn.linear_model import LogisticRegression  # training only

        model = LogisticRegression(C=self.C, random_state=self.random_state, max_iter=2000)
        model.fit(X_char[known], labels)
        self.classes_ = model.classes_
        self.weights_ = model.coef_[0].astype(np.float32)
        self.bias_ = float(model.intercept_[0])
        return self

    def predict_one(self, index: np.ndarray, values: np.ndarray) -> tuple[str, float]:
        """Language and probability, from the char-block features of one message."""
        if self.weights_ is None:
            return str(self.classes_[0]), 1.0
        if len(index) == 0:
            return self.default, 0.5
        margin = float(values @ self.weights_[index]) + self.bias_
        p_second = 1.0 / (1.0 + np.exp(-margin))
        return (
            (str(self.classes_[1]), p_second) if p_second >= 0.5 else (str(self.classes_[0]), 1.0 - p_second)
        )

    def predict(self, X_char: sp.csr_matrix) -> list[str]:
        if self.weights_ is None:
            return [str(self.classes_[0])] * X_char.shape[0]
        margins = np.asarray(X_char @ self.weights_).ravel() + self.bias_
        return [str(self.classes_[int(m >= 0)]) for m in margins]
