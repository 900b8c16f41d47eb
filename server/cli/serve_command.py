"""``wismo serve``: run the HTTP server (API, Rasa-compatible endpoints, channels, web console).

With no options it serves the default model (trained first if missing), the embedded demo shop, SQLite state
in ``.wismo/state.sqlite3`` and the web console at ``/``. ``--workers N`` starts N processes; give them a Redis
or PostgreSQL store (``server.state.backend``) to share conversations across hosts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from server.cli.common import fail


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the HTTP server and the web console")
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 5005)")
    parser.add_argument("--config", metavar="FILE", default=None, help="config file (default ./wismo.yml)")
    parser.add_argument("--model", metavar="DIR", default=None, help="trained model (default models/default)")
    parser.add_argument(
        "--orders", metavar="FILE", default=None, help="import these orders into a fresh demo shop first"
    )
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default 1)")
    parser.set_defaults(func=run_serve)


def _prepare(settings: object) -> None:
    """Work done once in the main process before workers start: demo-shop import, default model training."""
    from dialogue.connectors.demo_shop import create_demo_shop
    from dialogue.connectors.factory import DEFAULT_DEMO_PATH
    from dialogue.connectors.order_import import import_orders
    from nlu.model_io import ensure_default_model
    from server.app import DEFAULT_MODEL_DIR
    from server.errors import InvalidSettings
    from server.settings import Settings

    assert isinstance(settings, Settings)
    if settings.orders_file:
        if settings.connector.get("type", "demo") != "demo":
            raise InvalidSettings(
                "--orders: only the demo connector can import orders (connector.type: demo)"
            )
        shop = Path(settings.connector.get("path") or DEFAULT_DEMO_PATH)
        create_demo_shop(shop, seed=False)
        count = import_orders(shop, settings.orders_file)
        print(f"wismo: imported {count} orders into {shop}")
    model = settings.server.model
    if model == DEFAULT_MODEL_DIR and not (Path(model) / "metadata.json").exists():
        print(f"wismo: no model in {model}: training it now")
        ensure_default_model(model, settings.server.training_data, settings.nlu)
    elif model != DEFAULT_MODEL_DIR and not (Path(model) / "metadata.json").exists():
        raise InvalidSettings(f"--model: no trained model in {model} (run `wismo train --out {model}`)")
    _check_parts(settings)


def _check_parts(settings: Any) -> None:
    """Build what each worker builds at start-up, so a bad template, connector or channel setting is one clear
    error here rather than a traceback in every worker."""
    from dialogue.connectors.factory import build_connector
    from dialogue.templates import load_templates
    from server.channels import build_channels, channel_settings

    load_templates(settings.dialogue.templates_dir, settings.dialogue.languages)
    # built to be checked only: each worker builds its own
    asyncio.run(build_connector(settings.connector).aclose())
    build_channels(channel_settings(settings))


def _worker_app(settings: object, log_level: int) -> Any:
    """The app of one spawned worker process: a fresh interpreter, so logging (with masking) is set up again."""
    from server.app import create_app
    from server.logging_setup import setup_logging
    from server.settings import Settings

    assert isinstance(settings, Settings)
    setup_logging(log_level)
    return create_app(settings)


def run_serve(args: argparse.Namespace) -> int:
    """Validate the configuration, prepare, then serve until SIGINT/SIGTERM (graceful shutdown)."""
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from dialogue.connectors.errors import ConnectorConfigError
    from dialogue.connectors.order_import import OrderImportError
    from dialogue.errors import DialogueError
    from nlu.errors import NLUError
    from server.app import create_app
    from server.channels.errors import ChannelConfigError
    from server.errors import InvalidSettings
    from server.logging_setup import setup_logging
    from server.metrics import MULTIPROC_ENV
    from server.settings import load_settings

    log_level = min(logging.INFO, logging.getLogger().level or logging.INFO)
    setup_logging(log_level)
    overrides = {"host": args.host, "port": args.port, "workers": args.workers, "model": args.model}
    try:
        settings = load_settings(args.config, overrides=overrides, orders_file=args.orders)
        _prepare(settings)
    except (
        InvalidSettings,
        OrderImportError,
        NLUError,
        FileNotFoundError,
        DialogueError,
        ConnectorConfigError,
        ChannelConfigError,
    ) as exc:
        return fail(str(exc))
    server = settings.server
    run_options: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "access_log": server.access_log,
        "motd": False,
    }
    if server.workers == 1:
        # One process: no spawned worker re-importing everything, so start-up stays fast.
        create_app(settings).run(single_process=True, **run_options)
        return 0
    # Workers are separate processes: a folder they all write their metrics to lets any of them answer
    # /metrics for all. Set before the first prometheus_client import; the workers inherit it.
    own_metrics_dir = None
    if not os.environ.get(MULTIPROC_ENV):
        own_metrics_dir = os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="wismo-metrics-")
    try:
        loader = AppLoader(factory=partial(_worker_app, settings, log_level))
        app = loader.load()
        app.prepare(workers=server.workers, **run_options)
        Sanic.serve(primary=app, app_loader=loader)
    finally:
        if own_metrics_dir:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m server.cli.serve_command [options]``: the same as ``wismo serve [options]``."""
    import sys

    parser = argparse.ArgumentParser(prog="wismo")
    register(parser.add_subparsers())
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
