from __future__ import annotations

import dataclasses
import logging
import socket

import pytest

from dialogue.connectors import (
    CircuitOpen,
    ConnectorAuthError,
    ConnectorBadResponse,
    ConnectorConfigError,
    ConnectorRateLimited,
    ConnectorTimeout,
    ConnectorUnavailable,
)
from dialogue.connectors.http_client import HttpSettings, ResilientHttpClient
from dialogue.connectors.secrets import Redactor
from dialogue.connectors.settings import http_settings

from .fake_server import Response, serving

pytestmark = pytest.mark.anyio

SECRET = "tok-7f3a9c1e5b"
SETTINGS = HttpSettings(timeout=0.3, connect_timeout=0.3, retries=2, backoff=0.01, max_backoff=0.05,
                        max_retry_after=5.0, breaker_failures=3, breaker_cooldown=30.0, jitter=0.0)  # fmt: skip


def client(url, sleeps, clock=None, **kwargs) -> ResilientHttpClient:
    extra = {"clock": clock} if clock else {}
    return ResilientHttpClient(
        connector="shop", display="Shop", base_url=url, settings=kwargs.pop("settings", SETTINGS),
        headers={"X-Token": SECRET}, params={"key": SECRET}, redactor=Redactor([SECRET]),
        auth_hint="check WISMO_SHOP_TOKEN", sleep=sleeps, **extra, **kwargs,
    )  # fmt: skip


def sequence(*responses: Response):
    queue = list(responses)
    return lambda request: queue.pop(0) if len(queue) > 1 else queue[0]


async def test_http_client_retries_5xx_then_succeeds(sleeps):
    with serving(sequence(Response(500, {"e": 1}), Response(503), Response(200, {"ok": True}))) as server:
        http = client(server.url, sleeps)
        response = await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert response.json() == {"ok": True} and len(server.requests) == 3
    assert sleeps.delays == [0.01, 0.02]


async def test_http_client_backoff_jitter_takes_up_to_its_share_off_each_delay(sleeps):
    draws = iter([0.0, 1.0, 0.5, 0.0])  # the last attempt draws too, its delay unused
    settings = dataclasses.replace(SETTINGS, retries=3, jitter=0.5)
    with serving(lambda r: Response(503)) as server:
        http = client(server.url, sleeps, settings=settings, rand=lambda: next(draws))
        with pytest.raises(ConnectorUnavailable):
            await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert sleeps.delays == pytest.approx([0.01, 0.01, 0.03])  # 0.01, 0.02 halved, 0.04 less a quarter


def test_http_client_jitter_beyond_one_is_a_config_error():
    with pytest.raises(ConnectorConfigError, match=r"connector\.jitter"):
        http_settings({"jitter": 1.5})


async def test_http_client_honours_retry_after_on_429(sleeps):
    with serving(sequence(Response(429, {}, {"Retry-After": "2.0"}), Response(200, {}))) as server:
        http = client(server.url, sleeps)
        await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert sleeps.delays == [2.0]


async def test_http_client_retry_after_beyond_cap_fails_fast(sleeps):
    with serving(lambda r: Response(429, {}, {"Retry-After": "120"})) as server:
        http = client(server.url, sleeps)
        with pytest.raises(ConnectorRateLimited, match="429 from Shop"):
            await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert sleeps.delays == [] and len(server.requests) == 1


async def test_http_client_gives_up_after_retries_on_5xx(sleeps):
    with serving(lambda r: Response(502, {"error": "bad gateway"})) as server:
        http = client(server.url, sleeps)
        with pytest.raises(ConnectorUnavailable) as info:
            await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert info.value.status == 502 and len(server.requests) == 3


@pytest.mark.parametrize("status", [400, 422])
async def test_http_client_does_not_retry_other_4xx(sleeps, status):
    with serving(lambda r: Response(status, {"error": "no"})) as server:
        http = client(server.url, sleeps)
        with pytest.raises(ConnectorBadResponse):
            await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert len(server.requests) == 1


async def test_http_client_returns_accepted_404(sleeps):
    with serving(lambda r: Response(404, {"error": "not found"})) as server:
        http = client(server.url, sleeps)
        assert (await http.request("GET", "/x", label="probe")).status_code == 404
        await http.aclose()


@pytest.mark.parametrize("status", [401, 403])
async def test_http_client_auth_failure_names_what_to_check(sleeps, status):
    with serving(lambda r: Response(status, {"errors": "[API] Invalid API key"})) as server:
        http = client(server.url, sleeps)
        with pytest.raises(ConnectorAuthError, match=f"^{status} from Shop: check WISMO_SHOP_TOKEN$"):
            await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert len(server.requests) == 1


async def test_http_client_slow_server_is_a_timeout(sleeps):
    with serving(lambda r: Response(200, {}, delay=0.6)) as server:
        http = client(server.url, sleeps, settings=HttpSettings(timeout=0.1, connect_timeout=0.1, retries=1))
        with pytest.raises(ConnectorTimeout, match=r"did not answer within 0.1s"):
            await http.request("GET", "/x", label="probe")
        await http.aclose()


async def test_http_client_refused_connection_is_unavailable(sleeps):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    http = client(f"http://127.0.0.1:{port}", sleeps)
    with pytest.raises(ConnectorUnavailable, match="unreachable"):
        await http.request("GET", "/x", label="probe")
    await http.aclose()


async def test_http_client_malformed_json_is_bad_response(sleeps):
    with serving(lambda r: Response(200, b"{not json")) as server:
        http = client(server.url, sleeps)
        response = await http.request("GET", "/x", label="probe")
        with pytest.raises(ConnectorBadResponse, match="malformed JSON"):
            http.decode_json(response, "probe")
        await http.aclose()


async def test_http_client_circuit_opens_and_refuses_without_calling(sleeps, fake_clock):
    with serving(lambda r: Response(500, {})) as server:
        http = client(
            server.url,
            sleeps,
            clock=fake_clock,
            settings=HttpSettings(retries=0, breaker_failures=2, breaker_cooldown=30),
        )
        for _ in range(2):
            with pytest.raises(ConnectorUnavailable):
                await http.request("GET", "/x", label="probe")
        with pytest.raises(CircuitOpen):
            await http.request("GET", "/x", label="probe")
        assert len(server.requests) == 2
        server.handler = lambda r: Response(200, {})
        fake_clock.now = 31
        await http.request("GET", "/x", label="probe")  # the half-open trial succeeds and closes it
        await http.request("GET", "/x", label="probe")
        await http.aclose()
    assert len(server.requests) == 4


async def test_http_client_keeps_secrets_out_of_errors_and_logs(sleeps, caplog):
    caplog.set_level(logging.DEBUG)
    with serving(lambda r: Response(500, {"echo": r.headers.get("x-token")})) as server:
        http = client(server.url, sleeps)
        with pytest.raises(ConnectorUnavailable) as info:
            await http.request("GET", "/x", label="probe", params={"email": "jane@example.com"})
        await http.aclose()
    assert server.requests[0].query["key"] == SECRET  # it was sent...
    assert SECRET not in str(info.value) and SECRET not in repr(http)  # ...but never shown
    assert caplog.records and SECRET not in caplog.text and "jane@example.com" not in caplog.text
