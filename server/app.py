"""The Sanic app factory: ``create_app(settings)`` wires NLU, dialogue, connector, store and blueprints.

Heavy objects (model, templates, connector, store, HTTP client) are built once per worker in
``before_server_start`` and put on ``app.ctx``; channel adapters reach them as ``request.app.ctx.service``,
``request.app.ctx.settings`` and ``request.app.ctx.http``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sanic import HTTPResponse, Request, Sanic
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.response import file, json

from server.api import conversations, operations, rasa
from server.channels import channel_blueprints
from server.channels.outbound import FailedDelivery, FailureHook
from server.console import console_blueprint
from server.cors import add_cors
from server.errors import HTTPError, StoreError, TooManyRequests, Unauthorized
from server.metrics import Metrics
from server.security import RateLimiter, require_token
from server.settings import ServerSettings, Settings
from server.validation import message_schema, parse_schema, rasa_message_schema, release_schema

if TYPE_CHECKING:
    from server.service import ConversationService

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_MODEL_DIR = ServerSettings().model
# Paths behind the bearer token; channels (signatures), health, metrics and the console are not.
PROTECTED_PREFIXES = ("/api/", "/webhooks/rest/", "/model/")


class JSONErrorHandler(ErrorHandler):
    """Every error as ``{"error", "field", "status"}``; never a stack trace or exception text from below."""

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        headers: dict[str, str] = {}
        if isinstance(exception, HTTPError):
            status, message, field = exception.status, exception.message, exception.field
            if isinstance(exception, TooManyRequests):
                headers["Retry-After"] = str(max(1, round(exception.retry_after)))
            elif isinstance(exception, Unauthorized):
                headers["WWW-Authenticate"] = 'Bearer realm="wismo"'  # RFC 6750
        elif isinstance(exception, SanicException):
            status, message, field = exception.status_code, str(exception.message or "error"), None
        elif isinstance(exception, StoreError):
            logger.error("server.store_error %s", exception)
            status, message, field = 503, "conversation state is unavailable, retry later", None
        else:
            logger.exception("server.unhandled_error path=%s", request.path if request else "?")
            status, message, field = 500, "internal error", None
        return json({"error": message, "field": field, "status": status}, status=status, headers=headers)


def _load_parser(settings: Settings) -> Any:
    from nlu.model_io import ensure_default_model, load_model

    model = settings.server.model
    if model == DEFAULT_MODEL_DIR:
        return ensure_default_model(model, settings.server.training_data, settings.nlu)
    return load_model(model)


async def _start(app: Sanic) -> None:
    from dialogue.connectors.factory import build_connector
    from dialogue.engine import DialogueEngine
    from dialogue.templates import load_templates
    from server.service import ConversationService
    from server.stores import build_store
    from server.webhook import HandoffWebhook

    started = time.perf_counter()
    settings: Settings = app.ctx.settings
    parser = _load_parser(settings)
    parser.parse("hello, where is my order?")  # warm the pipeline so the first customer does not wait
    templates = load_templates(settings.dialogue.templates_dir, settings.dialogue.languages)
    connector = build_connector(settings.connector)
    store = build_store(settings.server.state)
    await store.open()
    app.ctx.http = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
    app.ctx.metrics = Metrics()
    listeners: list[Any] = [app.ctx.metrics.observe_turn]
    app.ctx.webhook = None
    if settings.server.webhook.url:
        app.ctx.webhook = HandoffWebhook(settings.server.webhook, app.ctx.http)
        listeners.append(app.ctx.webhook)
    engine = DialogueEngine(parser, connector, settings.dialogue, templates)
    app.ctx.parser, app.ctx.connector, app.ctx.store = parser, connector, store
    app.ctx.service = ConversationService(engine, store, listeners)
    if app.ctx.channel_outbox is not None:
        app.ctx.channel_outbox.on_failure = delivery_failure_hook(app.ctx.metrics, app.ctx.service)
    logger.info(
        "server.ready store=%s connector=%s seconds=%.2f",
        store.name,
        getattr(connector, "name", "?"),
        time.perf_counter() - started,
    )
    app.ctx.warm_up = None
    if hasattr(parser, "warm_up"):
        # A plain task on the running loop: Sanic's add_task refuses names outside ``app.run`` (create_server).
        app.ctx.warm_up = asyncio.get_running_loop().create_task(_warm_up(parser), name="wismo-warm-up")


def delivery_failure_hook(metrics: Metrics, service: ConversationService) -> FailureHook:
    """Count a helpdesk call given up on, and keep it with its conversation (it outlives the process)."""

    async def record(failure: FailedDelivery) -> None:
        metrics.observe_delivery_failure(failure.channel, failure.step)
        await service.record_delivery_failure(
            failure.conversation_id, failure.channel, failure.step, failure.status
        )

    return record


async def _warm_up(parser: Any) -> None:
    """The other languages' tokenizers, built in a thread once the server answers (French takes seconds)."""
    started = time.perf_counter()
    await asyncio.to_thread(parser.warm_up)
    logger.info("server.warm_up languages=all seconds=%.2f", time.perf_counter() - started)


async def _stop(app: Sanic) -> None:
    app.ctx.stopping = True
    warm_up = getattr(app.ctx, "warm_up", None)
    if warm_up is not None and not warm_up.done():
        warm_up.cancel()
    service = getattr(app.ctx, "service", None)
    if service is not None:
        await service.drain(app.ctx.settings.server.graceful_timeout)
    outbox = getattr(app.ctx, "channel_outbox", None)
    if outbox is not None:  # replies and handoff notes to helpdesks still queued
        await outbox.drain(app.ctx.settings.server.graceful_timeout)
    if getattr(app.ctx, "webhook", None) is not None:
        await app.ctx.webhook.aclose()
    for name in ("http", "connector", "store"):
        resource = getattr(app.ctx, name, None)
        if resource is not None:
            await (resource.aclose() if name != "store" else resource.close())
    logger.info("server.stopped")


def _add_console(app: Sanic) -> None:
    index = STATIC_DIR / "index.html"
    if not index.exists():
        return

    @app.get("/", name="console")
    async def console(request: Request) -> HTTPResponse:
        return await file(index, mime_type="text/html; charset=utf-8")

    app.static("/static", STATIC_DIR, name="static")


def _add_guards(app: Sanic, settings: Settings) -> None:
    limits = settings.server.rate_limits
    app.ctx.ip_limiter = RateLimiter(limits.per_ip_per_minute)
    app.ctx.conversation_limiter = RateLimiter(limits.per_conversation_per_minute)

    @app.on_request
    async def guard(request: Request) -> None:
        request.ctx.started = time.perf_counter()
        if request.path.startswith(PROTECTED_PREFIXES):
            require_token(settings.api_token, request.headers.get("authorization"))
            app.ctx.ip_limiter.hit(request.remote_addr or request.ip or "?", "client address")

    @app.on_response
    async def observe(request: Request, response: HTTPResponse) -> None:
        metrics = getattr(app.ctx, "metrics", None)
        started = getattr(request.ctx, "started", None)
        if metrics is not None and started is not None:
            route = request.route.path if request.route else "unmatched"
            metrics.observe_request(route, response.status, time.perf_counter() - started)


def create_app(settings: Settings | None = None, *, name: str = "wismo") -> Sanic:
    """Build the wismo Sanic app. Nothing heavy happens here; see ``before_server_start``.

    Args:
        settings: Validated settings (defaults when ``None``).
        name: The Sanic app name (unique per process).
    """
    settings = settings or Settings()
    app = Sanic(name, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = settings.server.max_body_bytes
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = settings.server.graceful_timeout
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.ACCESS_LOG = settings.server.access_log
    app.error_handler = JSONErrorHandler()
    app.ctx.settings = settings
    app.ctx.stopping = False
    languages, max_text = settings.dialogue.languages, settings.server.max_text_chars
    app.ctx.schemas = {
        "message": message_schema(languages, max_text),
        "rasa": rasa_message_schema(max_text),
        "parse": parse_schema(languages, max_text),
        "release": release_schema(),
    }
    _add_guards(app, settings)
    add_cors(app, settings.server.cors_origins)
    channels = channel_blueprints(settings)
    app.ctx.channel_outbox = channels[0].ctx.outbox if channels else None  # one outbox, shared by them all
    for blueprint in (conversations, rasa, operations, *channels):
        app.blueprint(blueprint)
    if settings.server.console:
        _add_console(app)
        app.blueprint(console_blueprint())
    app.before_server_start(_start)
    app.after_server_stop(_stop)
    return app
