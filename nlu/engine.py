"""The NLU engine: one trained object that turns a message into a :class:`ParseResult`.

Steps, precision first: character features -> language -> word features (and, when ``nlu.dense`` is on, a
sentence embedding) -> calibrated intent ranking with the out-of-scope threshold; in parallel, deterministic
extractors (patterns, emails, dates, fuzzy carriers) and the learned extractor for entity types that only
training data knows, merged by one precedence rule.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlu.classifier import IntentClassifier
from nlu.config import NLUConfig
from nlu.dense import DenseFeaturizer
from nlu.errors import InvalidTrainingData
from nlu.extractors import (
    RULE_ENTITY_TYPES,
    EntityConfig,
    LearnedEntityExtractor,
    build_rule_extractors,
    merge_entities,
)
from nlu.features import TextFeaturizer
from nlu.language import LanguageIdentifier, marker_language
from nlu.text import MAX_TEXT_CHARS, SUPPORTED_LANGUAGES, blank_pipeline, replace_surrogates
from nlu.types import OUT_OF_SCOPE, Entity, IntentScore, ParseResult, TrainingData

logger = logging.getLogger(__name__)


class NLUEngine:
    """Parses messages with a trained model. Build with :meth:`train` or :func:`nlu.model_io.load_model`."""

    def __init__(
        self,
        config: NLUConfig,
        featurizer: TextFeaturizer,
        classifier: IntentClassifier,
        language_id: LanguageIdentifier,
        learned: LearnedEntityExtractor | None = None,
        synonyms: dict[str, str] | None = None,
        metadata: dict[str, Any] | None = None,
        lookups: dict[str, tuple[str, ...]] | None = None,
        dense: DenseFeaturizer | None = None,
        sparse_classifier: IntentClassifier | None = None,
    ) -> None:
        self.config = config
        self.dense = dense
        # with dense features: the n-grams-only classifier for languages the encoder does not know
        self.sparse_classifier = sparse_classifier
        self.featurizer = featurizer
        self.classifier = classifier
        self.language_id = language_id
        self.learned = learned
        self.synonyms = synonyms or {}
        self.metadata = metadata or {}
        self.lookups = lookups or {}
        entity_config = EntityConfig.from_dict(config.entities)
        extra_carriers = [c for c in self.lookups.get("carrier", ()) if c not in entity_config.carriers]
        if extra_carriers:  # a trainer's `lookup: carrier` extends the carrier list
            entity_config = dataclasses.replace(
                entity_config, carriers=(*entity_config.carriers, *extra_carriers)
            )
        self.rules = build_rule_extractors(entity_config)

    def warm_up(self) -> None:
        """Build the tokenizer of every language now rather than on a customer's first message in it.

        spaCy's French rules compile one large regular expression: about 4 s on a 2-core machine, once per process.
        """
        for language in self.config.languages:
            blank_pipeline(language)

    @property
    def threshold(self) -> float:
        return self.config.threshold

    @property
    def intents(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    @classmethod
    def train(cls, data: TrainingData, config: NLUConfig | None = None) -> NLUEngine:
        """Fit every component on ``data``. Deterministic: same data and config, same model."""
        config = config or NLUConfig()
        if len(data.intents) < 2:
            raise InvalidTrainingData(f"training needs at least 2 intents, found {len(data.intents)}")
        texts = [e.text for e in data.examples]
        languages = [e.language for e in data.examples]
        featurizer = TextFeaturizer(config.features)
        X = featurizer.fit_transform(texts, languages)
        n_sparse = X.shape[1]
        intents = [e.intent for e in data.examples]
        dense = sparse_classifier = None
        if config.dense.encoder:
            dense = DenseFeaturizer(config.dense).fit()
            if not all(dense.covers(language) for language in languages):
                sparse_classifier = IntentClassifier(config.classifier).fit(X, intents)
            # every example is embedded: the other languages' examples still shape the shared intents
            X = sp.hstack([X, sp.csr_matrix(dense.transform(texts))], format="csr")
        classifier = IntentClassifier(config.classifier).fit(X, intents, nb_features=n_sparse)
        lang = config.language_id
        language_id = LanguageIdentifier(lang.C, lang.random_state, lang.default)
        language_id.fit(X[:, featurizer.n_word_ : n_sparse], languages)
        learned_types = sorted(set(data.entity_types) - RULE_ENTITY_TYPES)
        learned = None
        if learned_types:
            learned = LearnedEntityExtractor().fit(data.examples, learned_types)
        return cls(
            config,
            featurizer,
            classifier,
            language_id,
            learned,
            dict(data.synonyms),
            lookups=dict(data.lookups),
            dense=dense,
            sparse_classifier=sparse_classifier,
        )

    def detect_language(self, text: str) -> tuple[str, float]:
        return self.language_id.predict_one(*self.featurizer.char_one(text[:MAX_TEXT_CHARS]))

    def parse(
        self, text: str, *, language: str | None = None, reference_time: datetime | None = None
    ) -> ParseResult:
        """Intent, ranking, entities and language of one message. Never raises on any string.

        Lone surrogates become U+FFFD in the result's ``text`` (one for one, so entity offsets hold for the
        message as given).
        """
        if not isinstance(text, str):
            text = str(text)
        text = replace_surrogates(text)
        clipped = text[:MAX_TEXT_CHARS]
        char = self.featurizer.char_one(clipped)
        if language in SUPPORTED_LANGUAGES:
            lang, lang_conf = language, 1.0
        elif not any(c.isalpha() for c in clipped):  # "1001", "#4521": digits say nothing of the language
            lang, lang_conf = self.config.language_id.default, 0.5
        elif (marked := marker_language(clipped)) in self.config.languages:  # "bjr", "cmd 1006"
            lang, lang_conf = str(marked), 1.0
        else:
            lang, lang_conf = self.language_id.predict_one(*char)
        word = self.featurizer.word_one(clipped, lang)
        if len(char[0]) == 0 and len(word[0]) == 0:
            ranking: tuple[IntentScore, ...] = ()
            intent = IntentScore(OUT_OF_SCOPE, 1.0)
        else:
            features = self.featurizer.join(word, char)
            if self._embeds(lang):
                assert self.dense is not None
                probs = self.classifier.proba_one(*features, dense=self.dense.one(clipped))
            else:
                probs = self._ngram_classifier.proba_one(*features)
            ranking = self._ranking(probs)
            intent = self._decide(ranking)
        entities = self.extract_entities(text, lang, reference_time)
        return ParseResult(text, intent, ranking, entities, lang, round(lang_conf, 4))

    def extract_entities(
        self, text: str, language: str = "en", reference_time: datetime | None = None
    ) -> tuple[Entity, ...]:
        """Entities of ``text``: rule extractors, then the learned one, merged; synonyms map values."""
        text = replace_surrogates(text)
        rule_entities = self.rules.extract_all(text, language=language, reference_time=reference_time)
        if self.learned is not None:
            learned = self.learned.extract(text, language=language)
            rule_entities = merge_entities([list(rule_entities), learned])
        if not self.synonyms:
            return tuple(rule_entities)
        return tuple(self._synonym(e) for e in rule_entities)

    def _synonym(self, entity: Entity) -> Entity:
        value = self.synonyms.get(entity.text.lower()) or self.synonyms.get(entity.value.lower())
        if value is None or value == entity.value:
            return entity
        return Entity(
            entity.entity, value, entity.text, entity.start, entity.end, entity.extractor, entity.confidence
        )

    def _ranking(self, probs: np.ndarray) -> tuple[IntentScore, ...]:
        order = np.argsort(-probs, kind="stable")[: self.config.ranking_size]
        return tuple(IntentScore(str(self.classifier.classes_[i]), float(probs[i])) for i in order)

    def _decide(self, ranking: Sequence[IntentScore]) -> IntentScore:
        best = ranking[0]
        if best.confidence < self.config.threshold and best.name != OUT_OF_SCOPE:
            return IntentScore(OUT_OF_SCOPE, 1.0 - best.confidence)
        return best

    def classify_batch(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Probabilities (rows follow ``texts``, columns :attr:`intents`) and languages, for evaluation."""
        clipped = [replace_surrogates(t[:MAX_TEXT_CHARS]) for t in texts]
        char_block = self.featurizer.char_block(clipped)
        detected = self.language_id.predict(char_block)
        langs = [
            given if given in SUPPORTED_LANGUAGES else d
            for given, d in zip(languages or [None] * len(texts), detected, strict=True)
        ]
        X = self.featurizer.transform(clipped, langs)
        if self.dense is None:
            return self.classifier.predict_proba(X), langs
        embeds = np.array([self._embeds(lang) for lang in langs], dtype=bool)
        probs = np.zeros((len(texts), len(self.intents)))
        if embeds.any():
            rows = np.flatnonzero(embeds)
            vectors = self.dense.transform([clipped[i] for i in rows])
            probs[rows] = self.classifier.predict_proba(
                sp.hstack([X[rows], sp.csr_matrix(vectors)], format="csr")
            )
        if not embeds.all():
            rows = np.flatnonzero(~embeds)
            probs[rows] = self._ngram_classifier.predict_proba(X[rows])
        return probs, langs

    @property
    def _ngram_classifier(self) -> IntentClassifier:
        """The classifier of messages scored without an embedding."""
        return self.sparse_classifier or self.classifier

    def _embeds(self, language: str) -> bool:
        """Whether a message in ``language`` is scored with its sentence embedding."""
        if self.dense is None:
            return False
        return self.dense.covers(language) or self.sparse_classifier is None

    def decide_batch(self, probs: np.ndarray) -> list[IntentScore]:
        """The decision (threshold applied) for each row of :meth:`classify_batch` probabilities."""
        best = probs.argmax(axis=1)
        return [
            self._decide([IntentScore(str(self.classifier.classes_[i]), float(row[i]))])
            for i, row in zip(best, probs, strict=True)
        ]
