"""How many worker processes a simulation starts."""

from __future__ import annotations

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
