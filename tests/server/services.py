"""Real back-end processes for the server tests: redis-server and PostgreSQL on free loopback ports.

Each helper starts its server in a temporary folder and stops it on exit; when the binary is missing (or
PostgreSQL cannot run as a non-root user) the caller skips with the reason, so a bare machine still passes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")


class ServiceUnavailable(RuntimeError):
    """The back end cannot be started here; the message says why (used as the skip reason)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ServiceUnavailable(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server on a free port; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceUnavailable("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _pg_binary(name: str) -> str | None:
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _as_postgres_user() -> list[str]:
    """Prefix that runs a command as the ``postgres`` user when we are root (postgres refuses root)."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ServiceUnavailable("running as root and there is no 'postgres' user to run PostgreSQL") from exc
    if runuser is None:
        raise ServiceUnavailable("running as root and runuser is missing")
    return [runuser, "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free port; yields its URL (trust auth, user ``wismo``).

    The cluster lives in its own ``/tmp/wismo-pg-*`` folder: pytest's temporary folders are private to root,
    and the ``postgres`` user must be able to reach its data directory.
    """
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise ServiceUnavailable("PostgreSQL binaries (initdb, pg_ctl) are not installed")
    prefix = _as_postgres_user()
    folder = Path(tempfile.mkdtemp(prefix="wismo-pg-"))
    try:
        with _cluster(folder, prefix, initdb, pg_ctl) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _cluster(folder: Path, prefix: list[str], initdb: str, pg_ctl: str) -> Iterator[str]:
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir(exist_ok=True)
    if prefix:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    run = {"check": True, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "timeout": 120}
    try:
        subprocess.run([*prefix, initdb, "-D", str(data), "-U", "wismo", "--auth=trust", "-E", "UTF8"], **run)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ServiceUnavailable(f"initdb failed: {getattr(exc, 'output', b'')[-300:]!r}") from exc
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    log = folder / "postgres.log"
    try:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], **run
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ServiceUnavailable(f"postgres did not start: {getattr(exc, 'output', b'')[-300:]!r}") from exc
    try:
        yield f"postgresql://wismo@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], check=False, capture_output=True
        )
