"""Turning text into the sparse vectors the classifiers read: word and character n-gram TF-IDF.

Training uses scikit-learn's vectorisers to learn the vocabularies and IDF weights; a saved model keeps only
those (no scikit-learn object), so a process that only parses never imports scikit-learn. Parsing one message uses :meth:`TextFeaturizer.char_one`,
:meth:`TextFeaturizer.word_one` and :meth:`TextFeaturizer.join`, a dictionary-lookup path over the very same
vocabularies and IDF weights that skips building a sparse matrix. The two give the same numbers
(``tests/nlu/test_features.py`` holds them together). The choice of n-gram ranges is explained, with numbers, in
``bench/README.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from nlu.text import normalise, word_tokens

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer


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


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams inside word boundaries, as scikit-learn's ``char_wb`` analyzer makes them.

    >>> char_wb_ngrams("où est", 2, 3)
    [' o', 'où', 'ù ', ' où', 'où ', ' e', 'es', 'st', 't ', ' es', 'est', 'st ']
    """
    grams: list[str] = []
    for word in text.split():  # scikit-learn first folds runs of white space: split() already does
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)  # a word no longer than n counts once, whole
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
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
        from sklearn.feature_extraction.text import TfidfVectorizer  # training only

        p = self.params
        self.word_: TfidfVectorizer | None = TfidfVectorizer(
            analyzer=_WordAnalyzer(*p.word_ngrams),
            sublinear_tf=True,
            min_df=p.word_min_df,
            max_features=p.max_features,
            dtype=np.float32,
        )
        self.char_: TfidfVectorizer | None = TfidfVectorizer(
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
        assert self.word_ is not None and self.char_ is not None
        self.word_vocab_: dict[str, int] = dict(self.word_.vocabulary_)
        self.char_vocab_: dict[str, int] = dict(self.char_.vocabulary_)
        self.word_idf_ = self.word_.idf_.astype(np.float32)
        self.char_idf_ = self.char_.idf_.astype(np.float32)
        self.n_word_ = len(self.word_vocab_)

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state["word_"] = state["char_"] = None  # vocabularies and IDF weights are all a model needs
        return state

    @property
    def n_features(self) -> int:
        return self.n_word_ + len(self.char_vocab_)

    def char_block(self, texts: Sequence[str]) -> sp.csr_matrix:
        if self.char_ is not None:
            return self.char_.transform(texts) * self.params.char_weight
        return _rows([self.char_one(t) for t in texts], len(self.char_vocab_))

    def transform(self, texts: Sequence[str], languages: Sequence[str | None]) -> sp.csr_matrix:
        """Feature matrix of many texts (training and batch evaluation)."""
        if self.word_ is None:  # a loaded model: the one-message path, row by row
            rows = [
                self.join(self.word_one(t, lang or "en"), self.char_one(t))
                for t, lang in zip(texts, languages, strict=True)
            ]
            return _rows(rows, self.n_features)
        words = self.word_.transform([tag(t, lang) for t, lang in zip(texts, languages, strict=True)])
        return self._stack(words, self.char_block(texts))

    def _stack(self, words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack([words * self.params.word_weight, chars], format="csr")

    def char_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Indices inside the char block, and values, of one text (the language identifier reads these)."""
        grams = char_wb_ngrams(normalise(text), *self.params.char_ngrams)
        return self._block(grams, self.char_vocab_, self.char_idf_, self.params.char_weight)

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
        counts = Counter(map(vocab.get, grams))  # counted in C; unknown n-grams fall under None
        counts.pop(None, None)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        values = tf * idf[index]
        values *= weight / float(np.sqrt(np.dot(values, values)))
        return index, values


def _rows(rows: Sequence[tuple[np.ndarray, np.ndarray]], width: int) -> sp.csr_matrix:
    """A CSR matrix from per-row (indices, values) pairs."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(index) for index, _ in rows])
    indices = np.concatenate([index for index, _ in rows]) if rows else np.empty(0, dtype=np.int64)
    data = np.concatenate([values for _, values in rows]) if rows else np.empty(0, dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width), dtype=np.float32)
