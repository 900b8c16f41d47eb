"""Prometheus metrics (``prometheus-client``, imported lazily; without it ``/metrics`` answers 501).

Each app gets its own registry. With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` names a folder where
every worker writes its values (``wismo serve --workers N`` makes a fresh one when it is unset), and ``/metrics``
sums them all, whichever worker answers the scrape.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from dialogue.engine import TurnResult
from dialogue.events import LookupDone, LookupFailed

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Counters and histograms of one server process.

    Metrics: ``wismo_messages_total{intent,language}``, ``wismo_handoffs_total{reason}``,
    ``wismo_lookups_total{outcome}``, ``wismo_channel_delivery_failures_total{channel,step}``,
    ``wismo_turn_seconds`` and ``wismo_http_request_seconds{route,status}``.
    """

    def __init__(self) -> None:
        try:
            import prometheus_client as prom
        except ImportError:
            logger.warning("server.metrics.disabled reason=prometheus-client-not-installed")
            self._prom: Any = None
            return
        self._prom = prom
        self.registry = prom.CollectorRegistry()
        self.messages = prom.Counter(
            "wismo_messages", "Customer messages processed", ["intent", "language"], registry=self.registry
        )
        self.handoffs = prom.Counter(
            "wismo_handoffs", "Handoffs to the human team", ["reason"], registry=self.registry
        )
        self.lookups = prom.Counter(
            "wismo_lookups", "Order look-ups by outcome", ["outcome"], registry=self.registry
        )
        self.delivery_failures = prom.Counter(
            "wismo_channel_delivery_failures",
            "Helpdesk calls (reply, note, assignment, tag) given up on after their retries",
            ["channel", "step"],
            registry=self.registry,
        )
        self.turn_seconds = prom.Histogram(
            "wismo_turn_seconds",
            "Time to process one message",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.request_seconds = prom.Histogram(
            "wismo_http_request_seconds",
            "HTTP request latency",
            ["route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    @property
    def enabled(self) -> bool:
        return self._prom is not None

    def observe_turn(self, conversation_id: str, result: TurnResult, seconds: float) -> None:
        """A :data:`~server.service.TurnListener`: count the message, its look-ups and any handoff."""
        if not self.enabled:
            return
        self.messages.labels(result.parse.intent.name, result.trace.language).inc()
        self.turn_seconds.observe(seconds)
        for event in result.new_events:
            if isinstance(event, LookupDone):
                self.lookups.labels(event.outcome).inc()
            elif isinstance(event, LookupFailed):
                self.lookups.labels("failed").inc()
        if result.handoff is not None:
            self.handoffs.labels(result.handoff.reason).inc()

    def observe_delivery_failure(self, channel: str, step: str) -> None:
        if self.enabled:
            self.delivery_failures.labels(channel, step).inc()

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        if self.enabled:
            self.request_seconds.labels(route, str(status)).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        """The exposition text and its content type: every worker's values when they share a folder."""
        registry = self.registry
        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client import multiprocess

            registry = self._prom.CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        return self._prom.generate_latest(registry), self._prom.CONTENT_TYPE_LATEST
