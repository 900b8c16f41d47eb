"""Server benchmark on loopback: wismo's message endpoint (SQLite state) next to a bare Sanic JSON echo.

Measures, in one run and for each target, the closed-loop throughput (``--concurrency`` clients for
``--seconds``), then p99 latency of wismo at 50% of its throughput (open loop, fixed rate), the server's RSS and
the time from spawn to ``/ready``. Repeats ``--rounds`` times and reports medians. Loopback only; every server
is stopped at the end.

    .venv/bin/python bench/server_bench.py [--model DIR] [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
ECHO = """
import sys
from sanic import Sanic
from sanic.response import json
app = Sanic("echo")
@app.post("/echo")
async def echo(request):
    return json({"echo": request.json})
@app.get("/ready")
async def ready(request):
    return json({"ready": True})
app.run(host="127.0.0.1", port=int(sys.argv[1]), single_process=True, access_log=False, motd=False)
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(command: list[str], port: int, cwd: Path) -> tuple[subprocess.Popen[bytes], float]:
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    while time.monotonic() - started < 120:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process, time.monotonic() - started
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("server did not become ready")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def request_for(url: str, i: int) -> tuple[str, dict[str, str]]:
    if url.endswith("/echo"):
        return url, {"text": "where is my order #1001?"}
    # A new conversation every 4 messages keeps event logs realistic in length.
    return url.format(i // 4), {
        "text": ("hello", "where is my order #1001?", "jane@example.com", "yes")[i % 4]
    }


async def closed_loop(url: str, concurrency: int, seconds: float) -> float:
    done = 0
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:

        async def worker() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                target, body = request_for(url, next(counter))
                (await client.post(target, json=body)).raise_for_status()
                done += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / seconds


async def open_loop(url: str, rate: float, seconds: float) -> float:
    latencies: list[float] = []
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as client:

        async def one(i: int) -> None:
            target, body = request_for(url, i)
            start = time.perf_counter()
            (await client.post(target, json=body)).raise_for_status()
            latencies.append(time.perf_counter() - start)

        tasks, start = [], time.monotonic()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    latencies.sort()
    return latencies[int(0.99 * (len(latencies) - 1))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(REPO / "models/default"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="print only; do not write bench/results/")
    args = parser.parse_args()
    args.model = str(Path(args.model).resolve())  # the servers run in a temporary folder
    work = Path(tempfile.mkdtemp(prefix="wismo-bench-"))
    config = work / "wismo.yml"
    config.write_text(
        "server:\n  rate_limits: {per_ip_per_minute: 0, per_conversation_per_minute: 0}\n"
        f"  state: {{path: {work / 'state.sqlite3'}}}\n"
        f"dialogue:\n  templates_dir: {REPO / 'training_data'}\n"
        f"connector: {{type: demo, path: {work / 'shop.sqlite3'}}}\n"
    )
    rows: dict[str, list[float]] = {
        k: [] for k in ("echo_rps", "wismo_rps", "ratio", "p99_ms", "rss_mb", "ready_s")
    }
    for round_no in range(args.rounds):
        print(f"[server] round {round_no + 1}/{args.rounds}: echo, then wismo", file=sys.stderr, flush=True)
        echo_port, wismo_port = free_port(), free_port()
        echo, _ = spawn([sys.executable, "-c", ECHO, str(echo_port)], echo_port, work)
        wismo, ready = spawn([sys.executable, "-m", "server.cli.serve_command", "--port", str(wismo_port),
                              "--config", str(config), "--model", args.model], wismo_port, work)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{wismo_port}/api/v1/conversations/bench-{time.time_ns()}-{{}}/messages"
            echo_rps = asyncio.run(
                closed_loop(f"http://127.0.0.1:{echo_port}/echo", args.concurrency, args.seconds)
            )
            wismo_rps = asyncio.run(closed_loop(url, args.concurrency, args.seconds))
            p99 = asyncio.run(open_loop(url.replace("bench-", "p99-"), wismo_rps / 2, args.seconds))
            rows["rss_mb"].append(rss_mb(wismo.pid))
        finally:
            for process in (echo, wismo):
                process.terminate()
                process.wait(30)
        rows["echo_rps"].append(echo_rps)
        rows["wismo_rps"].append(wismo_rps)
        rows["ratio"].append(wismo_rps / echo_rps)
        rows["p99_ms"].append(p99)
        rows["ready_s"].append(ready)
    medians = {k: round(statistics.median(v), 3) for k, v in rows.items()}
    targets = {"ratio": medians["ratio"] >= 0.40, "p99_ms": medians["p99_ms"] <= 25,
               "rss_mb": medians["rss_mb"] <= 300, "ready_s": medians["ready_s"] <= 3}  # fmt: skip
    print(json.dumps({"medians": medians, "targets_met": targets, "rounds": args.rounds}, indent=2))
    if not args.no_write:
        write_results(medians, targets, args.rounds)
    return 0


def write_results(medians: dict[str, float], targets: dict[str, bool], rounds: int) -> None:
    """``bench/results/server.md`` (the table) and ``server.html`` (the same with charts)."""
    from nlu import html_report as h

    stamp = f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {os.getloadavg()[0]:.2f}; medians of {rounds} rounds"
    rows = [
        ("echo endpoint throughput (req/s)", medians["echo_rps"], "reference", ""),
        ("wismo messages throughput (req/s)", medians["wismo_rps"], "", ""),
        ("wismo / echo", medians["ratio"], ">= 0.40", targets["ratio"]),
        ("p99 latency at 50% load (ms)", medians["p99_ms"], "<= 25", targets["p99_ms"]),
        ("server RSS (MB)", medians["rss_mb"], "<= 300", targets["rss_mb"]),
        ("spawn to /ready (s)", medians["ready_s"], "<= 3", targets["ready_s"]),
    ]
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        "# wismo server benchmark",
        "",
        stamp,
        "",
        "| measure | median | target | met |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {m} | {v} | {t} | {'' if ok == '' else ('yes' if ok else '**no**')} |" for m, v, t, ok in rows
    ]
    (out / "server.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    body = [
        h.cards([("wismo / echo", f"{medians['ratio']:.2f}"), ("p99 ms", f"{medians['p99_ms']:.1f}"),
                 ("RSS MB", f"{medians['rss_mb']:.0f}"), ("ready s", f"{medians['ready_s']:.2f}")]),
        h.section("Throughput (req/s), same run", h.bar_chart([("echo", medians["echo_rps"]), ("wismo", medians["wismo_rps"])])),
        h.section("Measures", h.table(["measure", "median", "target", "met"], [[m, v, t, str(ok)] for m, v, t, ok in rows])),
        f"<p>{h.esc(stamp)}</p>",
    ]  # fmt: skip
    (out / "server.html").write_text(h.page("wismo server benchmark", body), encoding="utf-8")
    print(f"wrote {out / 'server.md'} and {out / 'server.html'}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
