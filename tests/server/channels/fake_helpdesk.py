"""A fake helpdesk API on 127.0.0.1 that holds both sides to the vendor's official OpenAPI spec.

Every request the adapter sends is validated with openapi-core against the spec (path, parameters, auth
header, request body), and every answer the fake gives is validated as that operation's response, so the
fake cannot drift from the real API either. Problems are collected in :attr:`FakeHelpdesk.violations`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from openapi_core import OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.testing import MockRequest, MockResponse


@dataclass
class Recorded:
    """One request the adapter sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Responder = Callable[[Recorded], Reply]


class FakeHelpdesk:
    """Records requests; ``responder`` answers them; ``fail_next`` makes the next calls fail with a status.

    Args:
        api: The vendor spec, loaded with spec validation off.
        spec_host: A server URL of the spec, so openapi-core matches the paths (the fake listens elsewhere).
        responder: Builds the (spec-valid) answer to a valid request.
    """

    def __init__(self, api: OpenAPI, spec_host: str, responder: Responder) -> None:
        self.api = api
        self.spec_host = spec_host
        self.responder = responder
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.fail_next: list[int] = []
        # a status for the requests this picks out (e.g. an unknown group id), answered without validation
        self.refuse: Callable[[Recorded], int | None] = lambda request: None
        # Intercom: conversation id -> the parts GET /conversations/{id} serves (the responder reads it)
        self.conversations: dict[str, list[dict[str, Any]]] = {}
        self.delay = 0.0  # seconds to wait before answering (a slow helpdesk)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def calls(self, method: str, suffix: str) -> list[Recorded]:
        """The recorded requests with this method whose path ends with ``suffix``."""
        return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    def _serve(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Reply:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        recorded = Recorded(method, parts.path, headers, body)
        request = MockRequest(
            self.spec_host,
            method.lower(),
            parts.path,
            headers=headers,
            args={k: v[0] for k, v in parse_qs(parts.query).items()},
            data=raw.decode() if raw else None,
            content_type=headers.get("content-type", "application/json").split(";")[0],
        )
        with self._lock:
            self.requests.append(recorded)
            failing = self.fail_next.pop(0) if self.fail_next else None
        if self.delay:
            time.sleep(self.delay)
        try:
            self.api.validate_request(request)
        except OpenAPIError as exc:
            self.violations.append(f"request {method} {parts.path}: {_explain(exc)}")
            return Reply(400, {"error": "request does not match the spec"})
        failing = failing if failing is not None else self.refuse(recorded)
        if failing is not None:
            return Reply(failing, {"error": "injected failure"}, {"Retry-After": "0"})
        reply = self.responder(recorded)
        response = MockResponse(json.dumps(reply.body).encode(), status_code=reply.status)
        try:
            self.api.validate_response(request, response)
        except OpenAPIError as exc:
            self.violations.append(f"response {method} {parts.path}: {_explain(exc)}")
        return reply

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = fake._serve(self.command, self.path, headers, raw)
                data = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                for name, value in {"Content-Type": "application/json", **reply.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler

    def start(self) -> FakeHelpdesk:
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _explain(exc: OpenAPIError) -> str:
    causes = [str(exc)]
    inner = exc.__cause__
    while inner is not None:
        causes.append(str(inner))
        inner = inner.__cause__
    return " <- ".join(causes)[:600]


def spec_example(spec: dict[str, Any], path: str, method: str, status: str = "200") -> Any:
    """The first JSON example of an operation's response in the spec (``$ref``s to examples resolved).

    Keys whose value is ``null`` are dropped: some vendor examples (Intercom's conversation ``assigned_to``,
    ``ai_agent``) hold nulls that their own schemas forbid, and the fake's answers must pass the schemas.
    """
    content = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
    example = next(iter(content["examples"].values()))
    if "$ref" in example:
        name = example["$ref"].rsplit("/", 1)[-1]
        example = spec["components"]["examples"][name]
    return _drop_nulls(example["value"])


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value
