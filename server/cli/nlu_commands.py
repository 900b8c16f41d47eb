"""``wismo train``, ``wismo parse`` and ``wismo evaluate``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from nlu.errors import NLUError
from nlu.evaluation import EvaluationResult, cross_validate, evaluate, is_training_data, write_report
from nlu.model_io import DEFAULT_DATA_DIR, DEFAULT_MODEL_DIR, load_model, train_model
from nlu.training_data import load_training_data
from server.cli.common import Progress, add_config_argument, fail, load_nlu_config


def register(subparsers: Any) -> None:
    train = subparsers.add_parser("train", help="train an NLU model from training data")
    train.add_argument(
        "--data",
        nargs="+",
        action="extend",
        metavar="PATH",
        help=f"files or folders (default: {DEFAULT_DATA_DIR}/)",
    )
    train.add_argument(
        "--out",
        default=str(DEFAULT_MODEL_DIR),
        metavar="DIR",
        help=f"model directory (default: {DEFAULT_MODEL_DIR})",
    )
    add_config_argument(train)
    train.set_defaults(func=run_train)

    parse = subparsers.add_parser("parse", help="parse one message and print intent, entities and language")
    parse.add_argument("text", nargs="+", help="the message")
    parse.add_argument("--model", default=str(DEFAULT_MODEL_DIR), metavar="DIR")
    parse.add_argument("--language", choices=["en", "fr"], help="skip language detection")
    parse.add_argument("--json", action="store_true", help="print Rasa /model/parse JSON")
    parse.set_defaults(func=run_parse)

    ev = subparsers.add_parser("evaluate", help="score a model on labelled data (what QA runs)")
    ev.add_argument("--model", default=str(DEFAULT_MODEL_DIR), metavar="DIR")
    ev.add_argument(
        "--data",
        nargs="+",
        action="extend",
        metavar="PATH",
        help=f"labelled data (default: {DEFAULT_DATA_DIR}/)",
    )
    ev.add_argument(
        "--folds", type=int, metavar="K", help="K-fold cross-validation on --data instead of --model"
    )
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--report", metavar="DIR", help="also write report.html and evaluation.json here")
    add_config_argument(ev)
    ev.set_defaults(func=run_evaluate)


def run_train(args: argparse.Namespace) -> int:
    try:
        config = load_nlu_config(args.config)
        started = time.perf_counter()
        engine = train_model(args.data or [DEFAULT_DATA_DIR], args.out, config)
    except NLUError as err:
        return fail(str(err))
    meta = engine.metadata
    print(
        f"trained {len(meta['intents'])} intents on {meta['n_examples']} examples "
        f"({', '.join(meta['languages']) or 'no language'}) in {time.perf_counter() - started:.1f}s -> {args.out}"
    )
    return 0


def run_parse(args: argparse.Namespace) -> int:
    try:
        engine = load_model(args.model)
    except NLUError as err:
        return fail(str(err))
    result = engine.parse(" ".join(args.text), language=args.language)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"intent:   {result.intent.name} ({result.intent.confidence:.2f})   language: {result.language}")
    for score in result.intent_ranking[1:]:
        print(f"          {score.name} ({score.confidence:.2f})")
    for entity in result.entities:
        print(
            f"entity:   {entity.entity} = {entity.value!r}  [{entity.start}:{entity.end}] by {entity.extractor}"
        )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    try:
        data = load_training_data(args.data or [DEFAULT_DATA_DIR])
        if args.folds:
            if args.folds < 2:
                return fail("--folds must be at least 2")
            config = load_nlu_config(args.config)
            result = cross_validate(
                data, config, args.folds, progress=None if args.json else Progress("folds")
            )
        else:
            engine = load_model(args.model)
            own = is_training_data(engine, data)
            result = evaluate(engine, data.examples, training_data=own)
            if own:
                print(f"wismo: warning: {result.source_note}", file=sys.stderr)
    except NLUError as err:
        return fail(str(err))
    if args.report:
        path = write_report(result, args.report)
        print(f"report: {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print_table(result)
    return 0


def print_table(result: EvaluationResult) -> None:
    scores = result.intent_scores()
    width = max((len(k) for k in scores), default=6) + 2
    print(f"{'intent':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for name, s in scores.items():
        print(
            f"{name:<{width}}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}{s['support']:>10d}"
        )
    print(f"\naccuracy {result.accuracy:.4f}   macro F1 {result.macro_f1:.4f}   examples {len(result.gold)}")
    if result.source_note:
        print(f"evaluated on: {result.source_note}")
    oos = result.out_of_scope()
    if oos:
        print(
            f"out of scope: in-scope accuracy {oos['in_scope_accuracy']:.4f}  "
            f"recall {oos['recall']:.4f}  precision {oos['precision']:.4f}"
        )
    if result.confusions():
        print("\nmost frequent confusions (gold -> predicted):")
        for gold, predicted, n in result.confusions(8):
            print(f"  {n:>4}  {gold} -> {predicted}")
    if result.entity_scores:
        print(f"\n{'entity':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
        for name, s in result.entity_scores.items():
            print(
                f"{name:<{width}}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}{int(s['support']):>10d}"
            )
