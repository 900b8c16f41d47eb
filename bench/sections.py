"""The accuracy sections of the benchmark: CLINC150, BANKING77, Bitext and the default model on Bitext.

Each section trains wismo and the scikit-learn baseline on the same split and returns :class:`Row` values for
the table. Dataset sentences are printed to the console for whoever tunes the model, never written to the
results files (the project must not contain them).
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bench import datasets as ds
from bench.scoring import (
    OutOfScopeScore,
    accuracy,
    apply_threshold,
    baseline_pipeline,
    baseline_scores,
    oos_score,
    precision_recall,
    threshold_for_recall,
)
from nlu.config import NLUConfig
from nlu.engine import NLUEngine
from nlu.evaluation import cross_validate
from nlu.types import Example, TrainingData


@dataclass(frozen=True)
class Row:
    """One line of the results table; ``target`` is a bound, ``higher`` says which side passes."""

    section: str
    metric: str
    wismo: float
    baseline: float | None = None
    target: float | None = None
    higher: bool = True
    unit: str = "%"

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.wismo >= self.target if self.higher else self.wismo <= self.target


def say(section: str, message: str) -> None:
    print(f"[{section}] {message}", flush=True)


def subsample(examples: list[Example], keep: float) -> list[Example]:
    """Every intent's first ``keep`` share of examples, in order (the ``--quick`` mode)."""
    if keep >= 1.0:
        return examples
    seen: Counter[str] = Counter()
    total = Counter(e.intent for e in examples)
    kept = []
    for example in examples:
        seen[example.intent] += 1
        if seen[example.intent] <= max(2, math.ceil(total[example.intent] * keep)):
            kept.append(example)
    return kept


def wismo_predictions(engine: NLUEngine, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Arg-max intents and their calibrated probabilities (no threshold applied)."""
    probs, _ = engine.classify_batch(texts, ["en"] * len(texts))
    classes = np.asarray(engine.intents, dtype=object)
    return classes[probs.argmax(axis=1)], probs.max(axis=1)


def with_dense(config: NLUConfig, encoder: str, **params: int) -> NLUConfig:
    """``config`` with ``nlu.dense.encoder`` set (the other dense parameters as configured, or ``params``)."""
    return dataclasses.replace(config, dense=dataclasses.replace(config.dense, encoder=encoder, **params))


@dataclass(frozen=True)
class ClincRun:
    """wismo trained on CLINC150 train and scored on val: training time and the out-of-scope settings."""

    seconds: float
    cpu_seconds: float
    configured: OutOfScopeScore  # at the configured threshold
    at60: OutOfScopeScore  # at the threshold that reaches 60% out-of-scope recall
    raw: OutOfScopeScore  # no threshold: the explicit out_of_scope class alone


def clinc_run(train: list[Example], test: list[Example], config: NLUConfig) -> ClincRun:
    texts, gold = [e.text for e in test], [e.intent for e in test]
    start, cpu = time.perf_counter(), time.process_time()
    engine = NLUEngine.train(TrainingData(tuple(train)), config)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    predicted, confidence = wismo_predictions(engine, texts)
    return ClincRun(
        seconds,
        cpu_seconds,
        oos_score(gold, predicted, confidence, config.threshold),
        threshold_for_recall(gold, predicted, confidence),
        oos_score(gold, predicted, confidence, -1.0),
    )


def clinc(data: Path, config: NLUConfig, quick: bool, notes: list[str], dense: str = "") -> list[Row]:
    splits = ds.clinc150(data)
    train = subsample(splits["train"] + splits["oos_train"], 0.3 if quick else 1.0)
    test = splits["val"] + splits["oos_val"]
    texts, gold = [e.text for e in test], [e.intent for e in test]
    say("clinc", f"training wismo on {len(train)} examples")
    run = clinc_run(train, test, config)
    configured, at60, raw, wismo_s = run.configured, run.at60, run.raw, run.seconds
    say("clinc", f"wismo trained in {wismo_s:.1f}s; training the baseline")
    start = time.perf_counter()
    pipeline = baseline_pipeline().fit([e.text for e in train], [e.intent for e in train])
    base_s = time.perf_counter() - start
    base_pred, margin = baseline_scores(pipeline, texts)
    base60 = threshold_for_recall(gold, base_pred, margin)
    base_raw = oos_score(gold, base_pred, margin, -math.inf)
    notes.append(
        f"CLINC150: wismo reaches 60% out-of-scope recall at confidence threshold {at60.threshold:.3f}; "
        f"the baseline at decision-margin threshold {base60.threshold:.3f}. Configured threshold: "
        f"{config.threshold} (`wismo.yml` `nlu.threshold`). Training took {wismo_s:.1f} s wall and "
        f"{run.cpu_seconds:.1f} s CPU (one thread): the wall time includes waiting for the shared CPUs."
    )
    say("clinc", f"in-scope {configured.in_scope_accuracy:.2%} oos recall {configured.oos_recall:.2%}")
    name = "CLINC150 val"
    return [
        Row(
            name,
            f"in-scope accuracy @ configured threshold {config.threshold}",
            configured.in_scope_accuracy,
            base60.in_scope_accuracy,
            0.93,
        ),
        Row(
            name,
            "out-of-scope recall @ configured threshold (baseline: @60% setting)",
            configured.oos_recall,
            base60.oos_recall,
            0.60,
        ),
        Row(
            name,
            "in-scope accuracy @ the threshold giving 60% OOS recall",
            at60.in_scope_accuracy,
            base60.in_scope_accuracy,
            0.93,
        ),
        Row(name, "in-scope accuracy, no threshold", raw.in_scope_accuracy, base_raw.in_scope_accuracy),
        Row(name, "out-of-scope recall, no threshold (explicit class)", raw.oos_recall, base_raw.oos_recall),
        Row(name, f"training time ({len(train)} examples)", wismo_s, base_s, 30.0, higher=False, unit="s"),
        *(clinc_dense(train, test, config, dense, base60, notes) if dense else []),
    ]


def clinc_dense(
    train: list[Example],
    test: list[Example],
    config: NLUConfig,
    dense: str,
    base60: OutOfScopeScore,
    notes: list[str],
) -> list[Row]:
    """CLINC150 again with dense sentence features (``nlu.dense.encoder: dense``)."""
    say("clinc", f"training wismo with dense features ({dense}) on {len(train)} examples")
    run = clinc_run(train, test, with_dense(config, dense))
    configured, at60, took = run.configured, run.at60, run.seconds
    say("clinc", f"dense: in-scope {at60.in_scope_accuracy:.2%} at 60% oos recall")
    notes.append(
        f"CLINC150 with dense features ({dense}): 60% out-of-scope recall at confidence threshold "
        f"{at60.threshold:.3f}; training {took:.1f} s including encoding every sentence once."
    )
    name, base_in_scope = f"CLINC150 val, dense {dense}", base60.in_scope_accuracy
    return [
        Row(
            name,
            f"in-scope accuracy @ configured threshold {config.threshold}",
            configured.in_scope_accuracy,
            base_in_scope,
        ),
        Row(name, "out-of-scope recall @ configured threshold", configured.oos_recall),
        Row(
            name,
            "in-scope accuracy @ the threshold giving 60% OOS recall",
            at60.in_scope_accuracy,
            base_in_scope,
        ),
        Row(name, f"training time ({len(train)} examples)", took, None, unit="s"),
    ]


def banking(data: Path, config: NLUConfig, quick: bool, notes: list[str], dense: str = "") -> list[Row]:
    examples = subsample(ds.banking77(data), 0.3 if quick else 1.0)
    folds = 3 if quick else 5
    no_threshold = dataclasses.replace(config, threshold=0.0)  # no out_of_scope class in BANKING77
    say("banking", f"{folds}-fold cross-validation of wismo on {len(examples)} examples")
    start = time.perf_counter()
    result = cross_validate(
        TrainingData(tuple(examples)),
        no_threshold,
        folds,
        progress=lambda done, total: say("banking", f"wismo fold {done}/{total}"),
    )
    wismo_s = (time.perf_counter() - start) / folds
    texts = np.asarray([e.text for e in examples], dtype=object)
    labels = np.asarray([e.intent for e in examples], dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.classifier.random_state)
    hits, start = 0, time.perf_counter()
    for index, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        pipeline = baseline_pipeline().fit(list(texts[train_idx]), list(labels[train_idx]))
        hits += int(np.sum(pipeline.predict(list(texts[test_idx])) == labels[test_idx]))
        say("banking", f"baseline fold {index + 1}/{folds}")
    base_s = (time.perf_counter() - start) / folds
    notes.append(
        "BANKING77: same stratified folds (seed 42) for both; no threshold (the set has no out-of-scope)."
    )
    name = f"BANKING77 {folds}-fold"
    rows = [
        # with dense features measured, the 92% target is theirs; without, the sparse model carries it
        Row(
            name,
            "accuracy (default: sparse features)",
            result.accuracy,
            hits / len(labels),
            None if dense else 0.92,
        ),
        Row(name, "training time per fold", wismo_s, base_s, unit="s"),
    ]
    if dense:
        say("banking", f"{folds}-fold cross-validation of wismo with dense features ({dense})")
        start = time.perf_counter()
        with_embeddings = cross_validate(
            TrainingData(tuple(examples)),
            with_dense(no_threshold, dense),
            folds,
            progress=lambda done, total: say("banking", f"wismo + dense fold {done}/{total}"),
        )
        dense_s = (time.perf_counter() - start) / folds
        say("banking", f"dense: accuracy {with_embeddings.accuracy:.2%}")
        rows += [
            Row(
                name,
                f"accuracy with dense features ({dense})",
                with_embeddings.accuracy,
                hits / len(labels),
                0.92,
            ),
            Row(
                name,
                "training time per fold with dense features (first fold encodes)",
                dense_s,
                base_s,
                unit="s",
            ),
        ]
    return rows


def _order_id_value(value: str) -> str:
    """Order ids compare without ``#`` and spaces.

    >>> _order_id_value(" #ORD 123 ")
    'ORD123'
    """
    return re.sub(r"[#\s]", "", value)


def shape(value: str) -> str:
    """The shape of an id: digits as ``9``, letters as ``A`` (what the report shows instead of values).

    >>> shape("ORD-1234")
    'AAA-9999'
    """
    return re.sub(r"[A-Za-z]", "A", re.sub(r"\d", "9", value))


def order_ids(engine: NLUEngine, examples: list[Example], notes: list[str]) -> list[Row]:
    """Exact-match rate of the rule extractor on every Bitext ``order_id`` span; false alarms elsewhere."""
    gold = [e for e in examples if any(s.entity == "order_id" for s in e.entities)]
    missed: Counter[str] = Counter()
    for example in gold:
        expected = {_order_id_value(s.value) for s in example.entities if s.entity == "order_id"}
        found = {
            _order_id_value(e.value) for e in engine.extract_entities(example.text) if e.entity == "order_id"
        }
        if not expected <= found:
            missed.update(shape(v) for v in expected - found)
            say(
                "bitext", f"order_id miss: {example.text!r} expected {sorted(expected)} found {sorted(found)}"
            )
    others = [e for e in examples if not e.entities or all(s.entity != "order_id" for s in e.entities)]
    false_alarms = sum(
        1 for e in others if any(x.entity == "order_id" for x in engine.extract_entities(e.text))
    )
    if missed:
        notes.append(
            "Bitext order_id shapes missed (9 = digit, A = letter): "
            + ", ".join(f"`{s}` x{n}" for s, n in missed.most_common(10))
        )
    notes.append(f"Bitext order_id: {false_alarms} of {len(others)} messages without an order id got one.")
    n_missed = sum(missed.values())
    return [
        Row(
            "Bitext train+dev",
            f"order_id exact match ({len(gold)} spans)",
            1 - n_missed / max(len(gold), 1),
            None,
            0.99,
        ),
        Row(
            "Bitext train+dev",
            "messages without order_id given one",
            false_alarms / max(len(others), 1),
            None,
            higher=False,
        ),
    ]


def bitext(data: Path, config: NLUConfig, quick: bool, notes: list[str]) -> list[Row]:
    train, dev = subsample(ds.bitext(data, "train"), 0.3 if quick else 1.0), ds.bitext(data, "dev")
    texts, gold = [e.text for e in dev], [e.intent for e in dev]
    say("bitext", f"training wismo on {len(train)} examples")
    engine = NLUEngine.train(TrainingData(tuple(train)), config)
    predicted, confidence = wismo_predictions(engine, texts)
    pipeline = baseline_pipeline().fit([e.text for e in train], [e.intent for e in train])
    base = pipeline.predict(texts)
    thresholded = apply_threshold(predicted, confidence, config.threshold)
    say("bitext", f"accuracy {accuracy(gold, predicted):.2%}; checking order_id extraction")
    return [
        Row("Bitext dev", "accuracy", accuracy(gold, predicted), accuracy(gold, base), 0.995),
        Row("Bitext dev", f"accuracy @ configured threshold {config.threshold}", accuracy(gold, thresholded)),
        *order_ids(engine, ds.bitext(data, "train") + dev, notes),
    ]


def default_model(
    engine: NLUEngine, baseline: object, data: Path, config: NLUConfig, notes: list[str]
) -> list[Row]:
    """The default model on Bitext dev, relabelled with :data:`bench.datasets.BITEXT_TO_WISMO`."""
    dev = ds.bitext(data, "dev")
    mapped = ds.map_bitext(dev)
    texts, gold = [e.text for e in dev], [e.intent for e in mapped]
    probs, _ = engine.classify_batch(texts, ["en"] * len(texts))
    predicted = [d.name for d in engine.decide_batch(probs)]
    base = list(baseline.predict(texts))  # type: ignore[attr-defined]
    precision, recall = precision_recall(gold, predicted, "order_status")
    base_p, base_r = precision_recall(gold, base, "order_status")
    misses: Counter[str] = Counter()
    for example, target, guess in zip(dev, gold, predicted, strict=True):
        if (target == "order_status") != (guess == "order_status"):
            misses[f"{example.intent} -> {guess}"] += 1
            say(
                "default",
                f"order_status {'miss' if target == 'order_status' else 'false alarm'}: "
                f"{example.text!r} ({example.intent} -> {guess})",
            )
    if misses:
        notes.append(
            "Default model, order_status errors on Bitext dev (Bitext intent -> predicted): "
            + ", ".join(f"{k} x{n}" for k, n in misses.most_common(12))
        )
    return [
        Row("Default model on Bitext dev", "order_status precision", precision, base_p, 0.95),
        Row("Default model on Bitext dev", "order_status recall", recall, base_r, 0.95),
        Row(
            "Default model on Bitext dev",
            "accuracy over mapped intents",
            accuracy(gold, predicted),
            accuracy(gold, base),
        ),
    ]
