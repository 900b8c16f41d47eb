"""How fast ``wismo simulate`` replays tickets: the target is 100,000 tickets in under 5 minutes on 2 cores.

Usage::

    .venv/bin/python bench/simulate_bench.py [--tickets 5000] [--jobs 1,2] [--repeat 3] [--model DIR] [--profile]

Generates varied EN/FR tickets (order questions with and without an order number or email, follow-ups, requests
for a human, other topics, noise) into a temporary CSV, runs the whole pipeline (read, replay with the real model
and the embedded demo shop, summary, report) ``--repeat`` times per ``--jobs`` value, and prints the median wall
time, tickets/s and the projected time for 100,000 tickets. ``--profile`` prints where one single-process run
spends its time (cProfile, top functions by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue.simulation.pipeline import simulate
from dialogue.simulation.runner import SimulationSetup

TARGET_TICKETS = 100_000
TARGET_SECONDS = 300
START = datetime(2025, 3, 10, 12, 30, tzinfo=UTC)
EMAILS = ("jane@example.com", "marie.dupont@exemple.fr", "tom.wilson@example.com", "luc.moreau@exemple.fr")
# (language, customer messages); {id} and {email} are filled per ticket. Written for this benchmark.
SHAPES = (
    ("en", ("where is my order #{id}? my email is {email}",)),
    ("en", ("hi, my parcel hasn't arrived yet", "it's order {id}", "{email}")),
    ("en", ("when will order {id} be delivered",)),
    ("en", ("can I speak to someone from your team please",)),
    ("en", ("I'd like to send the jacket back and get my money back",)),
    ("en", ("hello", "where is my package", "thanks")),
    ("en", ("blue widgets purple monkey dishwasher",)),
    ("fr", ("bonjour, où en est ma commande {id} ? {email}",)),
    ("fr", ("mon colis n'est toujours pas arrivé", "c'est la commande {id}", "mon adresse est {email}")),
    ("fr", ("je veux parler à un conseiller",)),
    ("fr", ("je voudrais annuler ma commande {id}",)),
)


def write_tickets(path: Path, count: int, seed: int = 7) -> Path:
    """``count`` generated tickets as a one-row-per-message CSV."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["ticket_id", "created_at", "author", "text"])
        for n in range(count):
            _, messages = SHAPES[rng.randrange(len(SHAPES))]
            order_id, email = str(rng.randint(1001, 1030)), rng.choice(EMAILS)
            when = START + timedelta(seconds=n)
            for i, text in enumerate(messages):
                stamp = (when + timedelta(minutes=i)).isoformat()
                writer.writerow([f"B-{n}", stamp, "customer", text.format(id=order_id, email=email)])
    return path


def run_once(tickets: Path, out: Path, setup: SimulationSetup, jobs: int) -> float:
    start = time.perf_counter()
    simulate([tickets], setup, out, jobs=jobs)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None, help="trained model (default: models/default)")
    parser.add_argument("--profile", action="store_true", help="profile one --jobs 1 run")
    args = parser.parse_args()
    setup = SimulationSetup(model_dir=args.model, config_path="wismo.yml")
    with tempfile.TemporaryDirectory(prefix="wismo-bench-") as tmp:
        folder = Path(tmp)
        tickets = write_tickets(folder / "tickets.csv", args.tickets)
        run_once(
            write_tickets(folder / "warm.csv", 20), folder / "warm", setup, 1
        )  # loads or trains the model
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            run_once(tickets, folder / "profile", setup, 1)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        print(f"| jobs | tickets | median s | tickets/s | projected 100k | target {TARGET_SECONDS}s |")
        print("|---|---|---|---|---|---|")
        for jobs in (int(j) for j in args.jobs.split(",")):
            times = [run_once(tickets, folder / f"out-{jobs}-{r}", setup, jobs) for r in range(args.repeat)]
            median = statistics.median(times)
            rate = args.tickets / median
            projected = TARGET_TICKETS / rate
            verdict = "met" if projected < TARGET_SECONDS else "missed"
            print(f"| {jobs} | {args.tickets} | {median:.2f} | {rate:.0f} | {projected:.0f} s | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
