"""Test helpers that run the real server: in a thread of the test process, or as ``wismo serve`` processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sanic import Sanic

from tests.server.services import free_port

REPO = Path(__file__).resolve().parents[2]


class LiveServer:
    """A Sanic app served on 127.0.0.1 by a background thread with its own event loop (real HTTP, real start-up)."""

    def __init__(self, app: Sanic) -> None:
        # Sanic's touch-up rewrites class methods once per process; a second app in one process must skip it.
        app.config.TOUCHUP = False
        self.app = app
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: Any = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            try:
                self._server = await self.app.create_server(
                    host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
                )
                await self._server.startup()
                await self._server.before_start()
                await self._server.after_start()
            except BaseException as exc:
                self._error = exc
                raise
            finally:
                self._ready.set()
            await self._server.serve_forever()

        self.loop.create_task(serve())
        self.loop.run_forever()

    def start(self) -> LiveServer:
        self._thread.start()
        self._ready.wait(120)
        if self._error is not None:
            raise RuntimeError(f"server did not start: {self._error!r}") from self._error
        return self

    def call(self, coro: Any, timeout: float = 30) -> Any:
        """Run a coroutine on the server's loop (to reach ``app.ctx`` objects) and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        async def shutdown() -> None:
            await self._server.before_stop()
            self._server.close()
            await self._server.after_stop()

        if self._server is not None:
            self.call(shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)


class ServeProcess:
    """``wismo serve`` as a child process (``python -m server.cli.serve_command``)."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self._log_file = log.open("wb")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli.serve_command", "--port", str(self.port), *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO), **env},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Seconds from spawn until ``/ready`` answered 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"wismo serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1.0).status_code == 200:
                    return time.monotonic() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"wismo serve not ready after {timeout}s: {self.log.read_text()[-2000:]}")

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM (graceful shutdown) and wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            self._log_file.close()
