"""How many worker processes a simulation starts."""

from __future__ import annotations

import asyncio

import pytest

from dialogue.simulation.runner import MIN_TICKETS_PER_WORKER, worker_count


@pytest.mark.parametrize(
    ("total", "jobs", "expected"),
    [
        (3_000, 2, 1),  # issue 6: a small run paid ~5 s per fresh worker and ran slower with --jobs 2
        (MIN_TICKETS_PER_WORKER - 1, 2, 1),
        (2 * MIN_TICKETS_PER_WORKER, 2, 2),
        (100_000, 2, 2),
        (100_000, 1, 1),
        (0, 4, 1),
    ],
)
def test_worker_count_starts_workers_only_when_they_pay_off(total: int, jobs: int, expected: int) -> None:
    assert worker_count(total, jobs) == expected


def test_memo_connector_passes_the_tracking_search_through_and_memoises_it() -> None:
    """Regression (review): the simulation's memo hid find_by_tracking, so `simulate` never used it."""
    from dialogue.connectors import InMemoryConnector
    from dialogue.simulation.runner import MemoConnector
    from tests.dialogue.helpers import shop_orders

    inner = InMemoryConnector(shop_orders())
    memo = MemoConnector(inner)
    parcel = next(o for o in shop_orders() if o.fulfilments).fulfilments[0].tracking_number
    assert parcel is not None and memo.finds_by_tracking
    first = asyncio.run(memo.find_by_tracking(parcel))
    again = asyncio.run(memo.find_by_tracking(parcel))
    assert first is not None and again is first
    assert inner.calls.count(("tracking_number", parcel)) == 1
