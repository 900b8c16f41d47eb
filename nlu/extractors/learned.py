"""An entity extractor learned from annotated examples, for slot types no rule covers (``size``, ``product``).

Each token is classified into a BIO tag (``B-size``, ``I-size``, ``O``) by a logistic regression over
context-window features: the token's lower form, shape, prefix and suffix, and the same for its neighbours.
Tokens come from :func:`nlu.text.tokenize`, so training and parsing split text identically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nlu.errors import InvalidTrainingData
from nlu.text import tokenize
from nlu.types import Entity, Example

if TYPE_CHECKING:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

OUTSIDE = "O"
MAX_TEXT_CHARS = 5_000  # like the rule extractors: beyond this a message is pasted junk
Features = dict[str, Any]


def token_features(words: Sequence[str], shapes: Sequence[str], i: int, window: int) -> Features:
    """Features of token ``i``: itself and its neighbours up to ``window`` away.

    >>> token_features(["size", "42"], ["xxxx", "dd"], 1, 1)["-1:lower"]
    'size'
    """
    word = words[i]
    lower = word.lower()
    features: Features = {
        "bias": 1.0,
        "lower": lower,
        "shape": shapes[i],
        "prefix3": lower[:3],
        "suffix3": lower[-3:],
        "is_digit": word.isdigit(),
        "is_title": word.istitle(),
        "is_upper": word.isupper(),
    }
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        j = i + offset
        if 0 <= j < len(words):
            features[f"{offset}:lower"] = words[j].lower()
            features[f"{offset}:shape"] = shapes[j]
        else:
            features[f"{offset}:edge"] = True
    return features


def _doc_features(doc: Doc, window: int) -> list[Features]:
    words = [t.text for t in doc]
    shapes = [t.shape_ for t in doc]
    return [token_features(words, shapes, i, window) for i in range(len(words))]


def _bio_tags(doc: Doc, example: Example, entity_types: frozenset[str]) -> list[str]:
    tags = [OUTSIDE] * len(doc)
    for span in example.entities:
        if span.entity not in entity_types:
            continue
        inside = [t.i for t in doc if t.idx < span.end and span.start < t.idx + len(t.text)]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{span.entity}"
    return tags


class LearnedEntityExtractor:
    """BIO token classifier for entity types known only from annotated training examples.

    Follows scikit-learn's conventions: ``__init__`` stores its arguments, :meth:`fit` returns ``self``, and
    learned state ends in ``_``. Picklable with joblib.

    Args:
        window: How many neighbours on each side feed a token's features.
        C: Inverse regularisation strength of the logistic regression.
        max_iter: Iteration cap of the solver.
        min_confidence: Entities whose weakest token probability is below this are dropped.
        random_state: Seed of the solver, pinned for deterministic training.
    """

    name = "learned"

    def __init__(
        self,
        window: int = 2,
        C: float = 10.0,
        max_iter: int = 1000,
        min_confidence: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.window = window
        self.C = C
        self.max_iter = max_iter
        self.min_confidence = min_confidence
        self.random_state = random_state

    def fit(self, examples: Sequence[Example], entity_types: Iterable[str]) -> LearnedEntityExtractor:
        """Learn to tag ``entity_types`` from the annotations of ``examples``.

        Raises:
            InvalidTrainingData: When an annotation's span lies outside its example's text.
        """
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        self.entity_types_: tuple[str, ...] = tuple(sorted(set(entity_types)))
        wanted = frozenset(self.entity_types_)
        rows: list[Features] = []
        tags: list[str] = []
        for example in examples:
            for span in example.entities:
                if not 0 <= span.start < span.end <= len(example.text):
                    raise InvalidTrainingData(
                        f"entity span {span.start}:{span.end} outside text", example.location
                    )
            doc = tokenize(example.text, example.language or "en")
            rows.extend(_doc_features(doc, self.window))
            tags.extend(_bio_tags(doc, example, wanted))
        self.vectorizer_: DictVectorizer | None = None
        self.model_: LogisticRegression | None = None
        if len(set(tags)) < 2:
            logger.info(
                "nlu.learned_entities.skipped reason=no_annotations types=%s", ",".join(self.entity_types_)
            )
            return self
        self.vectorizer_ = DictVectorizer(sparse=True)
        features = self.vectorizer_.fit_transform(rows)
        self.model_ = LogisticRegression(
            C=self.C, max_iter=self.max_iter, random_state=self.random_state, solver="lbfgs"
        ).fit(features, tags)
        logger.info("nlu.learned_entities.fitted types=%s tokens=%d", ",".join(self.entity_types_), len(tags))
        return self

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Entities of the learned types in ``text``; confidence is the weakest token probability.

        Raises:
            sklearn.exceptions.NotFittedError: When called before :meth:`fit`.
        """
        if not hasattr(self, "model_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("LearnedEntityExtractor.extract called before fit")
        if self.model_ is None or self.vectorizer_ is None or not text.strip():
            return []
        doc = tokenize(text[:MAX_TEXT_CHARS], language)
        if len(doc) == 0:
            return []
        probabilities = self.model_.predict_proba(self.vectorizer_.transform(_doc_features(doc, self.window)))
        classes = list(self.model_.classes_)
        best = probabilities.argmax(axis=1)
        labels = [str(classes[k]) for k in best]
        scores = [float(probabilities[i, k]) for i, k in enumerate(best)]
        return self._decode(text, doc, labels, scores)

    def _decode(self, text: str, doc: Doc, labels: list[str], scores: list[float]) -> list[Entity]:
        """Spans of consecutive tokens of one type; an ``I-`` tag without a ``B-`` starts a new span."""
        spans: list[tuple[str, int, int, float]] = []
        for token, label, score in zip(doc, labels, scores, strict=True):
            if label == OUTSIDE or token.is_space:
                continue
            prefix, entity = label.split("-", 1)
            end = token.idx + len(token.text)
            if (
                prefix == "I"
                and spans
                and spans[-1][0] == entity
                and token.i > 0
                and labels[token.i - 1] != OUTSIDE
                and not doc[token.i - 1].is_space
            ):
                kind, start, _, low = spans[-1]
                spans[-1] = (kind, start, end, min(low, score))
            else:
                spans.append((entity, token.idx, end, score))
        return [
            Entity(
                entity=kind,
                value=text[s:e],
                text=text[s:e],
                start=s,
                end=e,
                extractor=self.name,
                confidence=c,
            )
            for kind, s, e, c in spans
            if c >= self.min_confidence
        ]
