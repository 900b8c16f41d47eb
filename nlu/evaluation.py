"""Measuring an NLU model the way QA does: per-intent and per-entity scores, out-of-scope handling, K-fold.

:func:`evaluate` scores a trained engine on labelled data; :func:`cross_validate` trains K engines on folds of
the data and pools their predictions. Both return an :class:`EvaluationResult` whose :meth:`to_dict` is the
``wismo evaluate --json`` object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from nlu.config import NLUConfig
from nlu.engine import NLUEngine
from nlu.types import OUT_OF_SCOPE, Entity, Example, TrainingData


@dataclass
class EvaluationResult:
    """Scores of one evaluation; also keeps the raw predictions for reports."""

    gold: list[str]
    predicted: list[str]
    confidences: list[float]
    texts: list[str]
    entity_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    # What was scored and how (see :func:`describe_source`); ``evaluated_on`` in :meth:`to_dict`.
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def source_note(self) -> str:
        """One sentence that says what was scored, for reports and the console."""
        return str(self.source.get("note", ""))

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.gold) | set(self.predicted))

    @property
    def accuracy(self) -> float:
        return (
            float(np.mean([g == p for g, p in zip(self.gold, self.predicted, strict=True)]))
            if self.gold
            else 0.0
        )

    def intent_scores(self) -> dict[str, dict[str, float]]:
        labels = sorted(set(self.gold))
        p, r, f, s = precision_recall_fscore_support(
            self.gold, self.predicted, labels=labels, zero_division=0.0
        )
        return {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, label in enumerate(labels)
        }

    @property
    def macro_f1(self) -> float:
        scores = self.intent_scores()
        return float(np.mean([s["f1"] for s in scores.values()])) if scores else 0.0

    def confusions(self, top: int = 10) -> list[tuple[str, str, int]]:
        """The most frequent (gold, predicted) mistakes."""
        pairs = Counter((g, p) for g, p in zip(self.gold, self.predicted, strict=True) if g != p)
        return [(g, p, n) for (g, p), n in pairs.most_common(top)]

    def errors(self, top: int = 20) -> list[dict[str, Any]]:
        """The most confident mistakes, for a trainer's look."""
        rows = [
            (c, t, g, p)
            for t, g, p, c in zip(self.texts, self.gold, self.predicted, self.confidences, strict=True)
            if g != p
        ]
        rows.sort(key=lambda row: -row[0])
        return [{"text": t, "gold": g, "predicted": p, "confidence": c} for c, t, g, p in rows[:top]]

    def out_of_scope(self) -> dict[str, float] | None:
        if OUT_OF_SCOPE not in self.gold:
            return None
        gold, pred = np.array(self.gold), np.array(self.predicted)
        inside = gold != OUT_OF_SCOPE
        flagged = pred == OUT_OF_SCOPE
        return {
            "in_scope_accuracy": float(np.mean(pred[inside] == gold[inside])) if inside.any() else 0.0,
            "recall": float(np.mean(flagged[~inside])),
            "precision": float(np.mean(gold[flagged] == OUT_OF_SCOPE)) if flagged.any() else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "n_examples": len(self.gold),
            "intents": self.intent_scores(),
            "entities": self.entity_scores,
            "out_of_scope": self.out_of_scope(),
            "confusions": [{"gold": g, "predicted": p, "count": n} for g, p, n in self.confusions()],
            "evaluated_on": self.source,
        }


def _overlap(entity: Entity, start: int, end: int) -> bool:
    return entity.start < end and start < entity.end


def score_entities(
    examples: Sequence[Example], predicted: Sequence[Sequence[Entity]]
) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per entity type; a prediction counts when it overlaps a gold span of its type."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for example, found in zip(examples, predicted, strict=True):
        for span in example.entities:
            n_gold[span.entity] += 1
            if any(e.entity == span.entity and _overlap(e, span.start, span.end) for e in found):
                tp[span.entity] += 1
        for entity in found:
            n_pred[entity.entity] += 1
    scores = {}
    gold_types = set(n_gold)
    for name in sorted(gold_types):
        precision = _matched_predictions(examples, predicted, name) / n_pred[name] if n_pred[name] else 0.0
        recall = tp[name] / n_gold[name]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[name] = {"precision": precision, "recall": recall, "f1": f1, "support": n_gold[name]}
    return scores


def _matched_predictions(
    examples: Sequence[Example], predicted: Sequence[Sequence[Entity]], name: str
) -> int:
    return sum(
        1
        for example, found in zip(examples, predicted, strict=True)
        for e in found
        if e.entity == name
        and any(s.entity == name and _overlap(e, s.start, s.end) for s in example.entities)
    )


def describe_source(
    n_examples: int, *, folds: int | None = None, training_data: bool | None = None
) -> dict[str, Any]:
    """What an evaluation scored: ``method``, ``folds``, ``examples``, ``training_data`` and a ``note``.

    ``training_data`` is True when the examples are the model's own training data (scores are then
    optimistic, near 100%), False when they are not, None when cross-validated.

    >>> describe_source(10, training_data=True)["note"]
    "scored on the data given: 10 examples; these are the model's training data, so the scores are optimistic: use --folds K for an honest estimate"
    >>> describe_source(10, folds=5)["note"]
    'cross-validated: 5 folds over 10 examples, each scored by a model trained without it'
    """
    if folds:
        note = f"cross-validated: {folds} folds over {n_examples} examples, each scored by a model trained without it"
    elif training_data:
        note = (
            f"scored on the data given: {n_examples} examples; these are the model's training data, so the "
            "scores are optimistic: use --folds K for an honest estimate"
        )
    else:
        note = (
            f"scored on the data given: {n_examples} examples with the model as trained, not cross-validated "
            "(examples the model was trained on score near 100%; use --folds K to cross-validate)"
        )
    return {
        "method": "cross_validation" if folds else "trained_model",
        "folds": folds,
        "examples": n_examples,
        "training_data": None if folds else bool(training_data),
        "note": note,
    }


def is_training_data(engine: NLUEngine, data: TrainingData) -> bool:
    """Whether ``data`` is exactly what ``engine`` was trained on (its recorded ``training_data_hash``)."""
    from nlu.model_io import data_hash

    recorded = engine.metadata.get("training_data_hash")
    return bool(recorded) and recorded == data_hash(data, engine.config)


def evaluate(
    engine: NLUEngine, examples: Sequence[Example], *, entities: bool = True, training_data: bool = False
) -> EvaluationResult:
    """Scores of ``engine`` on ``examples`` (intents in one batch, entities message by message).

    ``training_data`` says the examples are the model's own (see :func:`is_training_data`); the result's
    ``source`` then says the scores are optimistic.
    """
    texts = [e.text for e in examples]
    probs, languages = engine.classify_batch(texts, [e.language for e in examples])
    decisions = engine.decide_batch(probs)
    result = EvaluationResult(
        gold=[e.intent for e in examples],
        predicted=[d.name for d in decisions],
        confidences=[float(p.max()) for p in probs],
        texts=texts,
    )
    if entities and any(e.entities for e in examples):
        found = [engine.extract_entities(t, lang) for t, lang in zip(texts, languages, strict=True)]
        result.entity_scores = score_entities(examples, found)
    result.source = describe_source(len(examples), training_data=training_data)
    return result


def cross_validate(
    data: TrainingData,
    config: NLUConfig,
    folds: int = 5,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationResult:
    """K-fold cross-validation, stratified by intent, with pooled predictions."""
    examples = list(data.examples)
    labels = [e.intent for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.classifier.random_state)
    gold: list[str] = []
    predicted: list[str] = []
    confidences: list[float] = []
    texts: list[str] = []
    tested: list[Example] = []
    found: list[tuple[Entity, ...]] = []
    for index, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        fold = TrainingData(tuple(examples[i] for i in train_idx), data.synonyms, data.regexes, data.lookups)
        engine = NLUEngine.train(fold, config)
        part = [examples[i] for i in test_idx]
        result = evaluate(engine, part, entities=False)
        gold += result.gold
        predicted += result.predicted
        confidences += result.confidences
        texts += result.texts
        tested += part
        found += [engine.extract_entities(e.text, e.language or "en") for e in part]
        if progress:
            progress(index + 1, folds)
    pooled = EvaluationResult(
        gold, predicted, confidences, texts, source=describe_source(len(gold), folds=folds)
    )
    if any(e.entities for e in tested):
        pooled.entity_scores = score_entities(tested, found)
    return pooled


def write_report(result: EvaluationResult, out_dir: str, title: str = "wismo NLU evaluation") -> str:
    """Write ``report.html`` and ``evaluation.json`` into ``out_dir``; returns the report path."""
    import json
    from pathlib import Path

    from nlu import html_report as h

    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    summary = result.to_dict()
    labels = result.labels
    position = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(result.gold, result.predicted, strict=True):
        matrix[position[g]][position[p]] += 1
    oos = summary["out_of_scope"]
    source = result.source or describe_source(len(result.gold))
    if source["folds"]:
        scored_on = f"{source['folds']}-fold cross-validation"
    else:
        scored_on = "the model's training data" if source["training_data"] else "the data given"
    headline = [
        ("evaluated on", scored_on),
        ("accuracy", f"{result.accuracy:.1%}"),
        ("macro F1", f"{result.macro_f1:.3f}"),
        ("examples", str(len(result.gold))),
    ]
    if oos:
        headline += [
            ("in-scope accuracy", f"{oos['in_scope_accuracy']:.1%}"),
            ("out-of-scope recall", f"{oos['recall']:.1%}"),
        ]
    intents = summary["intents"]
    note = source["note"][:1].upper() + source["note"][1:]
    body = [
        h.cards(headline),
        f'<p class="{"bad" if source["training_data"] else "note"}">{h.esc(note)}.</p>',
        h.section(
            "Intents",
            h.table(
                ["intent", "precision", "recall", "F1", "support"],
                [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in intents.items()],
            ),
            h.bar_chart(
                sorted(((k, v["f1"]) for k, v in intents.items()), key=lambda kv: kv[1]),
                title="F1 per intent",
                value_format="{:.2f}",
            ),
        ),
        h.section("Confusion matrix", h.heatmap(labels, matrix, title="gold (rows) vs predicted (columns)")),
        h.section("Confidence", h.histogram(result.confidences, title="top-intent confidence")),
        h.section("Most frequent confusions", h.table(["gold", "predicted", "count"], result.confusions())),
        h.section(
            "Most confident mistakes",
            h.table(
                ["text", "gold", "predicted", "confidence"],
                [[r["text"], r["gold"], r["predicted"], r["confidence"]] for r in result.errors()],
            ),
        ),
    ]
    if result.entity_scores:
        body.insert(
            2,
            h.section(
                "Entities",
                h.table(
                    ["entity", "precision", "recall", "F1", "support"],
                    [
                        [k, v["precision"], v["recall"], v["f1"], int(v["support"])]
                        for k, v in result.entity_scores.items()
                    ],
                ),
            ),
        )
    (target / "evaluation.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    report = target / "report.html"
    report.write_text(h.page(title, body), encoding="utf-8")
    return str(report)
