"""Strict checks of training data, as run by ``wismo data validate`` and by CI.

Errors make the data unusable for training (exit 2); warnings point at data a trainer should look at.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

from nlu.errors import InvalidTrainingData
from nlu.training_data import DataIssue, iter_data_files, load_file
from nlu.types import Example, TrainingData

NEAR_DUPLICATE_SCORE = 95.0
IMBALANCE_RATIO = 8.0
MIN_EXAMPLES = 2


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def validate_paths(paths: Iterable[str | Path]) -> tuple[TrainingData, list[DataIssue]]:
    """Load every file under ``paths`` and check it; syntax errors in one file don't hide the others."""
    data = TrainingData()
    issues: list[DataIssue] = []
    try:
        files = list(iter_data_files(paths))
    except InvalidTrainingData as err:
        return data, [DataIssue(err.location or "?", err.message)]
    if not files:
        issues.append(
            DataIssue(", ".join(str(p) for p in paths), "no training files found (.yml, .yaml, .csv)")
        )
    for path in files:
        errors: list[InvalidTrainingData] = []
        try:
            data = data.merge(load_file(path, errors))
        except InvalidTrainingData as err:
            errors.append(err)
        issues.extend(DataIssue(err.location or str(path), err.message) for err in errors)
    issues.extend(check_training_data(data))
    return data, issues


def check_training_data(data: TrainingData) -> list[DataIssue]:
    """Every content problem of already loaded data, errors first, in file order."""
    issues = [
        *_check_intent_sizes(data.examples),
        *_check_duplicates(data.examples),
        *_check_near_duplicates(data.examples),
        *_check_spans(data.examples),
    ]
    issues.sort(key=lambda i: (i.severity != "error", _sort_key(i.location)))
    return issues + _check_balance(data.examples)


def _sort_key(location: str) -> tuple[str, int]:
    path, _, line = location.rpartition(":")
    return (path, int(line)) if line.isdigit() else (location, 0)


def _check_intent_sizes(examples: tuple[Example, ...]) -> list[DataIssue]:
    first: dict[str, Example] = {}
    counts: Counter[str] = Counter()
    for example in examples:
        first.setdefault(example.intent, example)
        counts[example.intent] += 1
    return [
        DataIssue(
            first[intent].location, f"intent {intent!r} has {n} example; it needs at least {MIN_EXAMPLES}"
        )
        for intent, n in counts.items()
        if n < MIN_EXAMPLES
    ]


def _check_duplicates(examples: tuple[Example, ...]) -> list[DataIssue]:
    seen: dict[str, Example] = {}
    issues = []
    for example in examples:
        key = _key(example.text)
        if not key:
            issues.append(DataIssue(example.location, "empty example"))
            continue
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = example
        elif earlier.intent != example.intent:
            issues.append(
                DataIssue(
                    example.location,
                    f"{example.text!r} is under {example.intent!r} and also under {earlier.intent!r} "
                    f"at {earlier.location}",
                )
            )
        else:
            issues.append(
                DataIssue(example.location, f"duplicate of {earlier.location} ({example.text!r})", "warning")
            )
    return issues


def _check_near_duplicates(examples: tuple[Example, ...]) -> list[DataIssue]:
    """Pairs of examples under different intents that differ only by a character or two."""
    unique: dict[str, Example] = {}
    for example in examples:
        unique.setdefault(_key(example.text), example)
    keys = [k for k in unique if len(k) >= 12]
    if len(keys) < 2:
        return []
    scores = process.cdist(
        keys, keys, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SCORE, workers=-1, dtype="uint8"
    )
    issues = []
    rows, cols = scores.nonzero()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = unique[keys[i]], unique[keys[j]]
        if i < j and a.intent != b.intent:
            issues.append(
                DataIssue(
                    b.location,
                    f"{b.text!r} ({b.intent}) is nearly the same as {a.text!r} ({a.intent}) at {a.location}",
                )
            )
    return issues


def _check_spans(examples: tuple[Example, ...]) -> list[DataIssue]:
    issues = []
    for example in examples:
        for span in example.entities:
            if not (0 <= span.start < span.end <= len(example.text)):
                issues.append(DataIssue(example.location, f"entity {span.entity!r} span is outside the text"))
    return issues


def _check_balance(examples: tuple[Example, ...]) -> list[DataIssue]:
    per_language: dict[str | None, Counter[str]] = defaultdict(Counter)
    first: dict[tuple[str | None, str], Example] = {}
    for example in examples:
        per_language[example.language][example.intent] += 1
        first.setdefault((example.language, example.intent), example)
    issues = []
    for language, counts in sorted(per_language.items(), key=lambda kv: str(kv[0])):
        if len(counts) < 2:
            continue
        (big, n_big), (small, n_small) = counts.most_common()[0], counts.most_common()[-1]
        if n_big > IMBALANCE_RATIO * n_small:
            issues.append(
                DataIssue(
                    first[(language, small)].location,  # where the small intent starts: add examples there
                    f"class imbalance ({language or 'no language'}): {big!r} has {n_big} examples, "
                    f"{small!r} only {n_small}",
                    "warning",
                )
            )
    return issues
