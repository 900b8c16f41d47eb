"""``wismo test [PATH]``: run the YAML conversation tests end to end against the trained model.

Prints a diff per failing conversation and ends with ``N passed, N failed``; exit code 1 when any failed,
2 on a malformed test file, config or model.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from server.cli.common import fail

DEFAULT_TESTS = Path("tests/conversations")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("test", help="run the YAML conversation tests (tests/conversations)")
    parser.add_argument("path", nargs="?", default=str(DEFAULT_TESTS), help="a test file or folder")
    parser.add_argument(
        "--model", metavar="DIR", default=None, help="trained model (default: models/default)"
    )
    parser.add_argument(
        "--config", metavar="FILE", default="wismo.yml", help="config file with a dialogue: section"
    )
    parser.add_argument("--templates", metavar="DIR", default=None, help="folder with {lang}/responses.yml")
    parser.add_argument(
        "--orders", metavar="FILE", default=None, help="orders.yml (default: next to the tests)"
    )
    parser.add_argument("--report", metavar="DIR", help="also write an HTML report (report.html) here")
    parser.set_defaults(func=run_tests)


def run_tests(args: argparse.Namespace) -> int:
    """Load everything, run every conversation and print the report; returns the exit code."""
    from dialogue.config import DialogueConfig, load_dialogue_config
    from dialogue.errors import DialogueError
    from dialogue.templates import load_templates
    from dialogue.testing import discover, find_orders_file, load_conversations, load_orders, run_conversation
    from dialogue.testing import summary_line as summary
    from nlu.errors import NLUError
    from nlu.model_io import ensure_default_model, load_model

    root = Path(args.path)
    if not root.exists():
        return fail(f"{root}: no such file or folder")
    try:
        config = load_dialogue_config(args.config) if Path(args.config).exists() else DialogueConfig()
        templates = load_templates(args.templates or config.templates_dir, config.languages)
        cases = [case for path in discover(root) for case in load_conversations(path)]
        parser = load_model(args.model) if args.model else ensure_default_model()
    except (DialogueError, NLUError) as exc:
        return fail(str(exc))
    if not cases:
        return fail(f"{root}: no conversation tests found")
    results = []
    for case in cases:
        orders_file = Path(args.orders) if args.orders else find_orders_file(Path(case.source))
        try:
            orders = load_orders(orders_file) if orders_file else []
            result = asyncio.run(run_conversation(case, parser, templates, orders, config))
        except DialogueError as exc:
            return fail(str(exc))
        results.append(result)
        if not result.passed:
            print(f"FAILED {case.source} :: {case.name}")
            print("\n".join(result.failures))
    if args.report:
        from dialogue.simulation.report import write_test_report

        print(f"report: {write_test_report(results, args.report)}", file=sys.stderr)
    print(summary(results))
    return 0 if all(r.passed for r in results) else 1
