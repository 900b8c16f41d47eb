"""``wismo simulate`` (replay past tickets) and ``wismo suggest`` (training examples from what was missed).

See ``docs/simulation.md``. Exit codes: 0 done, 2 bad input (missing file, bad orders, bad config or model).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import cast

from server.cli.common import Progress, fail

MAX_BAD_ROWS_PRINTED = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    sim = subparsers.add_parser(
        "simulate", help="replay past tickets and report what the bot would have done"
    )
    sim.add_argument(
        "tickets", nargs="+", metavar="TICKETS", help="CSV, JSON Lines or JSON export files/folders"
    )
    source = sim.add_mutually_exclusive_group()
    source.add_argument("--orders", metavar="FILE", help="orders (CSV/JSONL, as `wismo shop import` reads)")
    source.add_argument("--connector", metavar="CONFIG", help="YAML file with a connector: section")
    sim.add_argument("--out", metavar="DIR", default="simulation", help="output folder (default: simulation)")
    sim.add_argument("--limit", type=int, metavar="N", default=None, help="replay only the first N tickets")
    sim.add_argument("--jobs", type=int, metavar="N", default=1, help="worker processes (default: 1)")
    sim.add_argument("--model", metavar="DIR", default=None, help="trained model (default: models/default)")
    sim.add_argument(
        "--config", metavar="FILE", default="wismo.yml", help="config file with a dialogue: section"
    )
    sim.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    sim.set_defaults(func=run_simulate)

    sug = subparsers.add_parser("suggest", help="cluster misunderstood messages of a simulation for trainers")
    sug.add_argument("simulation_dir", metavar="SIMULATION_DIR", help="the --out folder of `wismo simulate`")
    sug.add_argument(
        "--clusters", type=int, metavar="K", default=8, help="clusters per language (default: 8)"
    )
    sug.add_argument(
        "--per-cluster", type=int, metavar="N", default=5, help="examples per cluster (default: 5)"
    )
    sug.set_defaults(func=run_suggest)


def _connector_json(path: str) -> str:
    import yaml

    from dialogue.connectors.errors import ConnectorConfigError

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConnectorConfigError(f"{path}: not valid YAML ({exc})") from exc
    section = data.get("connector") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        raise ConnectorConfigError(f"{path}: needs a connector: section (a mapping)")
    return json.dumps(section, sort_keys=True)


def run_simulate(args: argparse.Namespace) -> int:
    """Replay the tickets and write summary.json, results.jsonl and report.html; returns the exit code."""
    from dialogue.connectors.errors import ConnectorError
    from dialogue.connectors.order_import import OrderImportError
    from dialogue.errors import DialogueError
    from dialogue.simulation.pipeline import simulate
    from dialogue.simulation.runner import SimulationSetup
    from nlu.errors import NLUError

    if args.jobs < 1 or (args.limit is not None and args.limit < 0):
        return fail("--jobs must be at least 1 and --limit at least 0")
    missing = [p for p in [*args.tickets, args.orders, args.connector] if p and not Path(p).exists()]
    if missing:
        return fail(f"{missing[0]}: no such file or folder")
    if args.model and not (Path(args.model) / "metadata.json").exists():  # before --out is made
        return fail(f"--model: no trained model in {args.model} (run `wismo train --out {args.model}`)")
    try:
        setup = SimulationSetup(
            model_dir=args.model,
            config_path=args.config if Path(args.config).exists() else None,
            connector_json=_connector_json(args.connector) if args.connector else None,
        )
        run = simulate(
            args.tickets, setup, args.out, orders_file=args.orders, limit=args.limit, jobs=args.jobs,
            on_progress=None if args.no_progress else Progress("simulate"),
        )  # fmt: skip
    except OrderImportError as exc:
        return fail(str(exc))
    except (DialogueError, NLUError, ConnectorError) as exc:
        return fail(str(exc))
    for bad in run.bad_rows[:MAX_BAD_ROWS_PRINTED]:
        print(f"wismo: skipped {bad}", file=sys.stderr)
    if len(run.bad_rows) > MAX_BAD_ROWS_PRINTED:
        print(
            f"wismo: ... and {len(run.bad_rows) - MAX_BAD_ROWS_PRINTED} more (summary.json)", file=sys.stderr
        )
    summary = run.summary
    rates = cast(dict[str, float], summary["rates"])
    print(
        f"{summary['tickets']} tickets ({len(run.bad_rows)} bad rows skipped): "
        f"WISMO {rates['wismo_share']:.1%}, would resolve {rates['would_resolve_rate']:.1%}, "
        f"handoff {rates['handoff_rate']:.1%}, low confidence {rates['low_confidence_share']:.1%}"
    )
    print(f"report: {run.out_dir / 'report.html'}")
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    """Print candidate training examples per cluster; returns the exit code."""
    from dialogue.simulation.pipeline import load_results
    from dialogue.simulation.suggest import suggest

    if args.clusters < 1 or args.per_cluster < 1:
        return fail("--clusters and --per-cluster must be at least 1")
    try:
        results = load_results(args.simulation_dir)
    except FileNotFoundError:
        return fail(f"{args.simulation_dir}: no results.jsonl here; run `wismo simulate --out DIR` first")
    except (ValueError, KeyError) as exc:
        return fail(f"{args.simulation_dir}/results.jsonl is not a simulation output ({exc})")
    print(
        suggest(results, str(args.simulation_dir), clusters=args.clusters, per_cluster=args.per_cluster),
        end="",
    )
    return 0
