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
