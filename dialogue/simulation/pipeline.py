"""``wismo simulate`` end to end: read tickets, replay them, write ``summary.json``, ``results.jsonl`` and
``report.html`` into the output folder.

``results.jsonl`` holds one masked :class:`TicketResult` per line, in input order; ``wismo suggest`` reads it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dialogue.simulation.readers import read_tickets
from dialogue.simulation.report import write_report
from dialogue.simulation.results import TicketResult
from dialogue.simulation.runner import Progress, SimulationSetup, demo_shop, run_simulation
from dialogue.simulation.summary import summarise, write_json
from dialogue.simulation.tickets import BadRow

logger = logging.getLogger(__name__)

SUMMARY_FILE = "summary.json"
RESULTS_FILE = "results.jsonl"
REPORT_FILE = "report.html"


@dataclass(frozen=True)
class SimulationRun:
    """What a simulation wrote, for the CLI to print."""

    summary: dict[str, object]
    bad_rows: tuple[BadRow, ...]
    out_dir: Path


def simulate(
    inputs: Sequence[str | Path],
    setup: SimulationSetup,
    out_dir: str | Path,
    *,
    orders_file: str | Path | None = None,
    limit: int | None = None,
    jobs: int = 1,
    on_progress: Progress | None = None,
) -> SimulationRun:
    """Replay the tickets in ``inputs`` and write the outputs into ``out_dir``.

    Orders are looked up in ``setup``'s connector when it has one (``--connector``), else in a fresh temporary
    demo shop holding ``orders_file`` (``--orders``), else the embedded demo orders.

    Raises:
        OrderImportError: ``orders_file`` has bad rows.
        FileNotFoundError: An input file does not exist.
    """
    read = read_tickets(inputs)
    tickets = read.tickets[:limit] if limit is not None else read.tickets
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wismo-sim-") as tmp:
        if setup.connector_json is None:
            shop = demo_shop(Path(tmp), Path(orders_file) if orders_file else None)
            setup = replace(setup, shop_path=str(shop))
        results = run_simulation(tickets, setup, jobs=jobs, on_progress=on_progress)
    described = {
        "files": sorted(Path(p).name for p in inputs),
        "limit": limit,
        "orders": Path(orders_file).name if orders_file else None,
        "connector": "config" if setup.connector_json is not None else ("orders" if orders_file else "demo"),
    }
    summary = summarise(results, read.bad_rows, described)
    write_json(summary, out / SUMMARY_FILE)
    write_results(results, out / RESULTS_FILE)
    write_report(summary, results, out)
    logger.info("simulation.written tickets=%d bad_rows=%d", len(results), len(read.bad_rows))
    return SimulationRun(summary, read.bad_rows, out)


def write_results(results: Sequence[TicketResult], path: Path) -> Path:
    """One JSON object per ticket, in order, keys sorted."""
    with path.open("w", encoding="utf-8") as stream:
        for result in results:
            stream.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return path


def load_results(sim_dir: str | Path) -> list[TicketResult]:
    """The results of a simulation folder (its ``results.jsonl``).

    Raises:
        FileNotFoundError: The folder has no ``results.jsonl`` (not a simulation output).
    """
    path = Path(sim_dir) / RESULTS_FILE
    with path.open(encoding="utf-8") as stream:
        return [TicketResult.from_dict(json.loads(line)) for line in stream if line.strip()]
