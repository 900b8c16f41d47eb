"""``wismo data validate``: the strict check trainers and CI run on training data."""

from __future__ import annotations

import argparse
from typing import Any

from nlu.model_io import DEFAULT_DATA_DIR
from nlu.validation import validate_paths


def register(subparsers: Any) -> None:
    data = subparsers.add_parser("data", help="work with training data")
    commands = data.add_subparsers(dest="data_command", metavar="COMMAND")
    validate = commands.add_parser("validate", help="check training data strictly; exit 2 on any error")
    validate.add_argument(
        "paths", nargs="*", metavar="PATH", help=f"files or folders (default: {DEFAULT_DATA_DIR}/)"
    )
    validate.add_argument("--strict-warnings", action="store_true", help="treat warnings as errors")
    validate.set_defaults(func=run_validate)
    data.set_defaults(func=lambda args: data.print_help() or 2)


def run_validate(args: argparse.Namespace) -> int:
    data, issues = validate_paths(args.paths or [DEFAULT_DATA_DIR])
    errors = [i for i in issues if i.severity == "error" or args.strict_warnings]
    for issue in issues:
        print(issue)
    print(
        f"{len(data.examples)} examples, {len(data.intents)} intents, {len(data.entity_types)} entity types, "
        f"languages {', '.join(data.languages) or '-'}: {len(errors)} error(s), {len(issues) - len(errors)} warning(s)"
    )
    return 2 if errors else 0
