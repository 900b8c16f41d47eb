"""Real ``wismo serve`` processes: two on one Redis or PostgreSQL behave as one bot; SIGTERM lets in-flight messages finish."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from dialogue.state import replay
from server.stores import SQLiteStore
from tests.server.live import REPO, ServeProcess

pytestmark = pytest.mark.slow


def _config(tmp_path, backend: str) -> str:
    path = tmp_path / f"{backend}.yml"
    path.write_text(
        "server:\n"
        "  rate_limits: {per_ip_per_minute: 0, per_conversation_per_minute: 0}\n"
        f"  state: {{backend: {backend}, path: {tmp_path / 'state.sqlite3'}}}\n"
        f"dialogue:\n  templates_dir: {REPO / 'training_data'}\n"
        f"connector: {{type: demo, path: {tmp_path / 'shop.sqlite3'}}}\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize(
    ("backend", "variable"), [("redis", "WISMO_REDIS_URL"), ("postgres", "WISMO_DATABASE_URL")]
)
def test_two_serve_processes_on_a_shared_store_act_as_one_bot(
    request, tmp_path, default_model_dir, backend, variable
):
    config = _config(tmp_path, backend)
    env = {variable: request.getfixturevalue(f"{backend}_url")}
    servers = [
        ServeProcess(
            ["--config", config, "--model", str(default_model_dir)], env, tmp_path, tmp_path / f"s{i}.log"
        )
        for i in range(2)
    ]
    try:
        for server in servers:
            server.wait_ready()

        async def send_all() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=30) as client:
                return list(
                    await asyncio.gather(
                        *(
                            client.post(
                                f"{servers[i % 2].url}/api/v1/conversations/shared/messages",
                                json={"text": f"hello {i}", "message_id": f"m{i}"},
                            )
                            for i in range(12)
                        )
                    )
                )

        responses = asyncio.run(send_all())
        # A helpdesk retry delivered to the other process is recognised too.
        retry = httpx.post(
            f"{servers[1].url}/api/v1/conversations/shared/messages",
            json={"text": "hello 0", "message_id": "m0"},
        )
        events = httpx.get(f"{servers[0].url}/api/v1/conversations/shared").json()["events"]
    finally:
        for server in servers:
            server.terminate()
    turns = sorted(r.json()["state"]["turn"] for r in responses)
    assert turns == list(range(1, 13))
    assert retry.json() == next(r.json() for r in responses if r.request.content.endswith(b'"m0"}'))
    assert sum(e["event"] == "user_uttered" for e in events) == 12


def test_sigterm_lets_in_flight_messages_finish_and_saves_them(tmp_path, default_model_dir):
    config = _config(tmp_path, "sqlite")
    server = ServeProcess(
        ["--config", config, "--model", str(default_model_dir)], {}, tmp_path, tmp_path / "s.log"
    )
    ready_after = server.wait_ready()
    answered: dict[str, int] = {}
    first_answer = threading.Event()

    async def burst() -> None:
        async with httpx.AsyncClient(timeout=30) as client:

            async def one(i: int) -> None:
                try:
                    r = await client.post(
                        f"{server.url}/api/v1/conversations/g{i}/messages", json={"text": "where is #1001"}
                    )
                    answered[f"g{i}"] = r.status_code
                    first_answer.set()
                except httpx.HTTPError:
                    pass

            await asyncio.gather(*(one(i) for i in range(30)))

    sender = threading.Thread(target=lambda: asyncio.run(burst()))
    sender.start()
    first_answer.wait(30)  # the other messages are in flight now
    code = server.terminate()
    sender.join(30)

    async def stored() -> dict[str, int]:
        store = SQLiteStore(tmp_path / "state.sqlite3")
        await store.open()
        try:
            return {cid: replay(await store.load(cid)).turn for cid in answered}
        finally:
            await store.close()

    turns = asyncio.run(stored())
    assert answered and code == 0 and ready_after < 60
    assert all(status == 200 for status in answered.values())
    assert all(turns[cid] == 1 for cid in answered), turns


def test_serve_rejects_a_bad_config_naming_the_key(tmp_path):
    config = tmp_path / "bad.yml"
    config.write_text("server:\n  prot: 80\n", encoding="utf-8")
    server = ServeProcess(["--config", str(config)], {}, tmp_path, tmp_path / "bad.log")
    assert server.process.wait(60) == 2
    server.terminate()
    assert "server.prot: unknown key" in (tmp_path / "bad.log").read_text()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("connector: {type: shopify, shop: acme}\n", "WISMO_SHOPIFY_TOKEN"),
        ("channels:\n  intercom: {enabled: true}\n", "WISMO_INTERCOM"),
        ("dialogue:\n  templates_dir: /nonexistent/templates\n", "responses.yml"),
    ],
)
def test_serve_rejects_missing_parts_with_one_line_and_no_traceback(
    tmp_path, default_model_dir, extra, expected
):
    """Regression (server audit): a channel or connector without its secret, or missing templates, crashed
    every worker with a traceback instead of one clear error at start-up."""
    config = tmp_path / "parts.yml"
    base = f"dialogue:\n  templates_dir: {REPO / 'training_data'}\n" if "dialogue:" not in extra else ""
    config.write_text(base + extra, encoding="utf-8")
    args = ["--config", str(config), "--model", str(default_model_dir)]
    server = ServeProcess(args, {}, tmp_path, tmp_path / "parts.log")
    assert server.process.wait(60) == 2
    server.terminate()
    log = (tmp_path / "parts.log").read_text()
    assert "wismo: error:" in log and expected in log
    assert "Traceback" not in log


def _messages_total(exposition: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in exposition.splitlines()
        if line.startswith("wismo_messages_total{")
    )


def test_workers_metrics_add_up_and_workers_log_masked(tmp_path, default_model_dir):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    server = ServeProcess(
        ["--config", _config(tmp_path, "sqlite"), "--model", str(default_model_dir), "--workers", "2"],
        {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
        tmp_path,
        tmp_path / "workers.log",
    )

    def writers() -> set[str]:
        return {path.name for path in metrics_dir.glob("counter_*.db")}

    async def send_until_both_workers_answered() -> int:
        """Batches of 8 on fresh connections until two processes have counted messages; returns the count."""
        sent = 0
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            while sent < 8 * 40 and (sent < 48 or len(writers()) < 2):
                batch = [
                    client.post(f"{server.url}/api/v1/conversations/c{i}/messages", json={"text": "hello"})
                    for i in range(sent, sent + 8)
                ]
                assert all(r.status_code == 200 for r in await asyncio.gather(*batch))
                sent += 8
        return sent

    try:
        server.wait_ready()
        sent = asyncio.run(send_until_both_workers_answered())
        email = {"text": "where is order #7340215? I am jane.doe@example.com"}
        assert httpx.post(f"{server.url}/api/v1/conversations/e/messages", json=email).status_code == 200
        sent += 1
        scrapes = [
            _messages_total(httpx.get(f"{server.url}/metrics", headers={"Connection": "close"}).text)
            for _ in range(8)
        ]
        counted_by = writers()
    finally:
        server.terminate()
    assert len(counted_by) == 2, counted_by  # both workers answered, so the sum really spans processes
    assert scrapes == [float(sent)] * 8
    log = server.log.read_text()
    assert log.count("server.ready") == 2 and log.count("dialogue.turn") == sent  # worker processes log too
    assert "jane.doe@example.com" not in log and "7340215" not in log
