"""The ``wismo`` command line.

Each subcommand lives in its own module with a ``register(subparsers)`` function that adds its parser and sets
``func``; the function it calls is a plain importable one. Exit codes: 0 success, 1 a failed check (tests,
evaluation gate), 2 bad input (data, config, usage) with ``file:line`` where it applies.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

# Modules that provide subcommands, in the order ``--help`` lists them. Plain list, no import-time registration.
COMMAND_MODULES = (
    "server.cli.serve_command",
    "server.cli.nlu_commands",
    "server.cli.data_commands",
    "server.cli.connector_commands",
    "server.cli.test_command",
    "server.cli.shell_command",
    "server.cli.simulate_commands",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wismo",
        description="Self-hosted, LLM-free 'where is my order?' support bot.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def configure_logging(verbosity: int) -> None:
    from server.logging_setup import setup_logging

    setup_logging(logging.WARNING - 10 * verbosity)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    configure_logging(args.verbose)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wismo parse --json ... | head`: the reader left; no traceback
        os.dup2(
            os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno()
        )  # so the exit flush does not fail again
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
