"""Run the replay over many tickets, in this process or in ``jobs`` worker processes (joblib).

Each worker builds its engine once (model, templates, connector) and keeps it for every batch it is given; the
results come back in input order, so ``--jobs`` never changes them. A fresh worker costs about 5 s before its first
result on a 2-core machine (interpreter, imports, model, spaCy's French tokenizer), about what 5,000 replays in
this process take, so small runs stay in this process whatever ``--jobs`` asks (:func:`worker_count`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dialogue.connectors.base import OrderConnector
from dialogue.orders import Order
from dialogue.simulation.replay import TicketReplayer
from dialogue.simulation.results import TicketResult
from dialogue.simulation.tickets import Ticket

logger = logging.getLogger(__name__)

# The embedded demo shop is seeded as of this moment, so that its orders are the same on every run.
DEMO_NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
Progress = Callable[[int, int], None]
# One worker process per this many tickets at most: fewer and its start-up costs more than it saves.
MIN_TICKETS_PER_WORKER = 10_000


@dataclass(frozen=True)
class SimulationSetup:
    """Everything a worker needs to build its engine (hashable, picklable).

    Attributes:
        model_dir: The trained model; ``None`` loads (or trains) ``models/default``.
        config_path: ``wismo.yml`` with the ``dialogue:`` section; ``None`` uses the defaults.
        shop_path: A demo-shop SQLite file to look orders up in (``--orders`` or the embedded shop).
        connector_json: The ``connector:`` section as JSON (``--connector``); wins over ``shop_path``.
        templates_dir: Reply templates; ``None`` uses the config's ``templates_dir``.
        low_confidence: A first message scoring below this counts as low confidence.
        max_turns: At most this many customer messages are replayed per ticket.
    """

    model_dir: str | None = None
    config_path: str | None = None
    shop_path: str | None = None
    connector_json: str | None = None
    templates_dir: str | None = None
    low_confidence: float = 0.5
    max_turns: int = 20


class MemoConnector:
    """A read-only memo in front of a connector: a simulation never changes the shop, so each order is fetched
    once per worker (which also spares a real shop's rate limit). Errors are not memoised."""

    def __init__(self, inner: OrderConnector, max_entries: int = 200_000) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_entries = max_entries
        self._by_id: dict[str, Order | None] = {}
        self._by_email: dict[tuple[str, int], list[Order]] = {}
        self._by_tracking: dict[str, Order | None] = {}

    @property
    def finds_by_tracking(self) -> bool:
        return self.inner.finds_by_tracking

    async def find_by_order_id(self, order_id: str) -> Order | None:
        if order_id not in self._by_id:
            self._trim()
            self._by_id[order_id] = await self.inner.find_by_order_id(order_id)
        return self._by_id[order_id]

    async def find_by_tracking(self, tracking_number: str) -> Order | None:
        if tracking_number not in self._by_tracking:
            self._trim()
            self._by_tracking[tracking_number] = await self.inner.find_by_tracking(tracking_number)
        return self._by_tracking[tracking_number]

    async def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        key = (email, limit)
        if key not in self._by_email:
            self._trim()
            self._by_email[key] = await self.inner.find_by_email(email, limit)
        return list(self._by_email[key])

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _trim(self) -> None:
        if len(self._by_id) + len(self._by_email) + len(self._by_tracking) >= self.max_entries:
            self._by_id.clear()
            self._by_email.clear()
            self._by_tracking.clear()


_REPLAYERS: dict[SimulationSetup, TicketReplayer] = {}


def build_replayer(setup: SimulationSetup) -> TicketReplayer:
    """The replayer for ``setup``, built once per process (model loading is the expensive part)."""
    if setup in _REPLAYERS:
        return _REPLAYERS[setup]
    from dialogue.config import DialogueConfig, load_dialogue_config
    from dialogue.connectors.demo_shop import DemoShopConnector
    from dialogue.connectors.factory import build_connector
    from dialogue.engine import DialogueEngine
    from dialogue.templates import load_templates
    from nlu.model_io import ensure_default_model, load_model

    config = load_dialogue_config(setup.config_path) if setup.config_path else DialogueConfig()
    templates = load_templates(setup.templates_dir or config.templates_dir, config.languages)
    parser = load_model(setup.model_dir) if setup.model_dir else ensure_default_model()
    inner: OrderConnector
    if setup.connector_json is not None:
        inner = build_connector(json.loads(setup.connector_json))
    elif setup.shop_path is not None:
        inner = DemoShopConnector(setup.shop_path)
    else:
        raise ValueError("SimulationSetup needs shop_path or connector_json")
    engine = DialogueEngine(parser, MemoConnector(inner), config, templates)
    replayer = TicketReplayer(engine, low_confidence=setup.low_confidence, max_turns=setup.max_turns)
    _REPLAYERS[setup] = replayer
    return replayer


def replay_batch(setup: SimulationSetup, tickets: Sequence[Ticket]) -> list[TicketResult]:
    """Replay ``tickets`` one after the other on this process's replayer (one event loop per batch)."""
    replayer = build_replayer(setup)

    async def run() -> list[TicketResult]:
        return [await replayer.replay(ticket) for ticket in tickets]

    return asyncio.run(run())


def _batches(tickets: Sequence[Ticket], size: int) -> Iterator[Sequence[Ticket]]:
    for start in range(0, len(tickets), size):
        yield tickets[start : start + size]


def batch_size(total: int, jobs: int) -> int:
    """Big enough to amortise the hand-over to a worker, small enough for a lively progress bar.

    >>> batch_size(100_000, 2), batch_size(10, 2)
    (500, 10)
    """
    return max(10, min(500, total // max(jobs * 8, 1)))


def worker_count(total: int, jobs: int) -> int:
    """The worker processes worth starting for ``total`` tickets, at most ``jobs`` (1: replay in this process).

    >>> worker_count(3_000, 2), worker_count(25_000, 2), worker_count(100_000, 1)
    (1, 2, 1)
    """
    return max(1, min(jobs, total // MIN_TICKETS_PER_WORKER))


def run_simulation(
    tickets: Sequence[Ticket], setup: SimulationSetup, *, jobs: int = 1, on_progress: Progress | None = None
) -> list[TicketResult]:
    """Replay every ticket; the results are in the order of ``tickets`` whatever ``jobs`` is."""
    requested, jobs = jobs, worker_count(len(tickets), jobs)
    if jobs < requested:
        logger.info("simulation.jobs requested=%d used=%d tickets=%d", requested, jobs, len(tickets))
    size = batch_size(len(tickets), jobs)
    results: list[TicketResult] = []
    if jobs <= 1:
        outputs: Any = (replay_batch(setup, batch) for batch in _batches(tickets, size))
    else:
        from joblib import Parallel, delayed

        build_replayer(setup)  # fail once here on a bad model or config, and train the default model once
        parallel = Parallel(n_jobs=jobs, return_as="generator", backend="loky")
        outputs = parallel(delayed(replay_batch)(setup, batch) for batch in _batches(tickets, size))
    for batch_results in outputs:
        results.extend(batch_results)
        if on_progress:
            on_progress(len(results), len(tickets))
    logger.info("simulation.done tickets=%d jobs=%d", len(results), jobs)
    return results


def demo_shop(folder: Path, orders_file: Path | None = None) -> Path:
    """A fresh demo shop in ``folder``: the embedded orders as of :data:`DEMO_NOW`, or only ``orders_file``.

    Raises:
        OrderImportError: ``orders_file`` has bad rows (each named ``file:line``).
    """
    from dialogue.connectors.demo_shop import create_demo_shop
    from dialogue.connectors.order_import import import_orders

    path = create_demo_shop(folder / "demo_shop.sqlite3", now=DEMO_NOW, seed=orders_file is None)
    if orders_file is not None:
        import_orders(path, orders_file)
    return path
