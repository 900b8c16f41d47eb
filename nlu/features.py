"""Turning text into the sparse vectors the classifiers read: word and character n-gram TF-IDF.

Training uses scikit-learn's vectorisers on batches; parsing one message uses :meth:`TextFeaturizer.char_one`,
:meth:`TextFeaturizer.word_one` and :meth:`TextFeaturizer.join`, a dictionary-lookup path over the very same
vocabularies and IDF weights that skips building a sparse matrix. The two give the same numbers
(``tests/nlu/test_features.py`` holds them together). The choice of n-gram ranges is explained, with numbers, in
``bench/README.md``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.text import normalise, word_tokens


@dataclass(frozen=True)
class FeatureParams:
    """Hyperparameters of the featuriser; every one is pinned in ``wismo.yml``."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 2
    word_min_df: int = 1
    word_weight: float = 1.0
    char_weight: float = 1.0
    max_features: int | None = None


def word_ngrams(tokens: Sequence[str], low: int, high: int) -> list[str]:
    """Word n-grams of ``tokens`` for ``low <= n <= high``.

    >>> word_ngrams(["where", "is", "it"], 1, 2)
    ['where', 'is', 'it', 'where is', 'is it']
    """
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class _WordAnalyzer:
    """Picklable analyzer: language-aware tokens, then n-grams. Texts arrive as ``"lang\\x00text"``."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, tagged: str) -> list[str]:
        language, _, text = tagged.partition("\x00")
        return word_ngrams(word_tokens(text, language or "en"), self.low, self.high)


def tag(text: str, language: str | None) -> str:
    return f"{language or 'en'}\x00{text}"


class TextFeaturizer:
    """Word and character TF-IDF blocks, each L2-normalised and weighted, then concatenated."""

    def __init__(self, params: FeatureParams) -> None:
        self.params = params

    def fit(self, texts: Sequence[str], languages: Sequence[str | None]) -> TextFeaturizer:
        self.fit_transform(texts, languages)
        return self

    def fit_transform(self, texts: Sequence[str], languages: Sequence[str | None]) -> sp.csr_matrix:
        """Fit the vocabularies and return the training matrix (tokenising each text once)."""
        p = self.params
        self.word_ = TfidfVectorizer(
            analyzer=_WordAnalyzer(*p.word_ngrams),
            sublinear_tf=True,
            min_df=p.word_min_df,
            max_features=p.max_features,
            dtype=np.float32,
        )
        self.char_ = TfidfVectorizer(
            analyzer="char_wb",
            preprocessor=normalise,
            ngram_range=p.char_ngrams,
            sublinear_tf=True,
            min_df=p.char_min_df,
            max_features=p.max_features,
            dtype=np.float32,
        )
        words = self.word_.fit_transform([tag(t, lang) for t, lang in zip(texts, languages, strict=True)])
        chars = self.char_.fit_transform(texts)
        self._index()
        return self._stack(words, chars * p.char_weight)

    def _index(self) -> None:
        self.word_vocab_: dict[str, int] = dict(self.word_.vocabulary_)
        self.char_vocab_: dict[str, int] = dict(self.char_.vocabulary_)
        self.word_idf_ = self.word_.idf_.astype(np.float32)
        self.char_idf_ = self.char_.idf_.astype(np.float32)
        self.n_word_ = len(self.word_vocab_)
        self.char_analyzer_ = self.char_.build_analyzer()

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state.pop("char_analyzer_", None)  # a closure; rebuilt on load
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.char_analyzer_ = self.char_.build_analyzer()

    @property
    def n_features(self) -> int:
        return self.n_word_ + len(self.char_vocab_)

    def char_block(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.char_.transform(texts) * self.params.char_weight

    def transform(self, texts: Sequence[str], languages: Sequence[str | None]) -> sp.csr_matrix:
        """Feature matrix of many texts (training and batch evaluation)."""
        words = self.word_.transform([tag(t, lang) for t, lang in zip(texts, languages, strict=True)])
        return self._stack(words, self.char_block(texts))

    def _stack(self, words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack([words * self.params.word_weight, chars], format="csr")

    def char_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices inside the char block, and values, of one text (the language identifier reads these)."""
        return self._block(
            self.char_analyzer_(text), self.char_vocab_, self.char_idf_, self.params.char_weight
        )

    def word_one(self, text: str, language: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices and values of the word block of one text."""
        grams = word_ngrams(word_tokens(text, language), *self.params.word_ngrams)
        return self._block(grams, self.word_vocab_, self.word_idf_, self.params.word_weight)

    def join(
        self, word: tuple[np.ndarray, np.ndarray], char: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The full sparse vector of one text from its two blocks."""
        return np.concatenate([word[0], char[0] + self.n_word_]), np.concatenate([word[1], char[1]])

    @staticmethod
    def _block(
        grams: list[str], vocab: dict[str, int], idf: np.ndarray, weight: float
    ) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(vocab[g] for g in grams if g in vocab)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float32, count=len(counts))
        values = tf * idf[index]
        values *= weight / float(np.sqrt(np.dot(values, values)))
        return index, values
