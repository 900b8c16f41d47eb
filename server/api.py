"""The HTTP API blueprints: wismo's conversation API, the Rasa-compatible endpoints, and operations routes.

Handlers only translate: JSON in -> :class:`~dialogue.engine.UserMessage` -> ``app.ctx.service`` -> JSON out.
Bad input raises :mod:`server.errors` exceptions, answered as JSON by the app's error handler.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json, raw

from dialogue.engine import Customer, UserMessage
from server.errors import NotFound, TooManyRequests
from server.openapi import build_openapi
from server.security import parse_json_body
from server.service import turn_payload
from server.validation import check_conversation_id, validate

conversations = Blueprint("conversations", url_prefix="/api/v1/conversations")
rasa = Blueprint("rasa")
operations = Blueprint("operations")


def _body(request: Request, schema_name: str, *, optional: bool = False) -> dict[str, Any]:
    if optional and not request.body:
        return {}
    document = parse_json_body(request.content_type, request.body)
    return validate(document, request.app.ctx.schemas[schema_name])


def _customer(data: dict[str, Any] | None) -> Customer | None:
    if not data:
        return None
    return Customer(data.get("email"), bool(data.get("verified", False)), data.get("name"))


@conversations.post("/<conversation_id:str>/messages")
async def post_message(request: Request, conversation_id: str) -> HTTPResponse:
    """One customer message -> replies, parse, slots, state, handoff and trace."""
    check_conversation_id(conversation_id)
    body = _body(request, "message")
    ctx = request.app.ctx
    message_id = body.get("message_id")
    try:
        ctx.conversation_limiter.hit(conversation_id, "conversation")
    except TooManyRequests:
        # A helpdesk retrying a message it already sent gets the original answer, even past the rate limit;
        # the record is read only then, not on every message.
        if not (message_id and await ctx.store.get_record(conversation_id, message_id)):
            raise
    message = UserMessage(
        text=body["text"],
        conversation_id=conversation_id,
        message_id=message_id,
        language=body.get("language"),
        customer=_customer(body.get("customer")),
    )
    result = await ctx.service.handle(conversation_id, message)
    return json({"conversation_id": conversation_id, **turn_payload(result)})


@conversations.get("/<conversation_id:str>")
async def get_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    """The conversation's state, events and handoff; 404 when it is unknown or expired."""
    check_conversation_id(conversation_id)
    view = await request.app.ctx.service.get(conversation_id)
    if not view.events:
        raise NotFound("conversation not found", field="conversation_id")
    return json(view.to_dict())


@conversations.post("/<conversation_id:str>/release")
async def release_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    """The human team gives a handed-off conversation back to the bot."""
    check_conversation_id(conversation_id)
    body = _body(request, "release", optional=True)
    view = await request.app.ctx.service.get(conversation_id)
    if not view.events:
        raise NotFound("conversation not found", field="conversation_id")
    view = await request.app.ctx.service.release(conversation_id, by=body.get("by"))
    return json(view.to_dict())


@rasa.post("/webhooks/rest/webhook")
async def rasa_webhook(request: Request) -> HTTPResponse:
    """Rasa's REST channel: ``{"sender", "message"}`` -> ``[{"recipient_id", "text"}, ...]``."""
    body = _body(request, "rasa")
    sender = body.get("sender") or "default"
    check_conversation_id(sender, field="sender")
    request.app.ctx.conversation_limiter.hit(sender, "conversation")
    metadata = body.get("metadata") or {}
    message_id = metadata.get("message_id") if isinstance(metadata.get("message_id"), str) else None
    result = await request.app.ctx.service.handle(
        sender, UserMessage(body["message"], sender, message_id=message_id)
    )
    out: list[dict[str, Any]] = [{"recipient_id": sender, "text": r.text} for r in result.replies]
    if result.handoff is not None:
        out.append({"recipient_id": sender, "custom": {"handoff": result.handoff.to_dict()}})
    return json(out)


@rasa.post("/model/parse")
async def model_parse(request: Request) -> HTTPResponse:
    """Rasa-compatible NLU parse: intent, ranking, entities and language of one text."""
    body = _body(request, "parse")
    parse = request.app.ctx.parser.parse(body["text"], language=body.get("language"))
    return json(parse.to_dict())


@operations.get("/health")
async def health(request: Request) -> HTTPResponse:
    """Liveness: the process answers."""
    return json({"status": "ok"})


@operations.get("/ready")
async def ready(request: Request) -> HTTPResponse:
    """Readiness: the model is loaded and the state store answers."""
    ctx = request.app.ctx
    model = getattr(ctx, "parser", None) is not None
    store = bool(getattr(ctx, "store", None)) and await ctx.store.ping()
    ok = model and store and not getattr(ctx, "stopping", False)
    return json({"ready": ok, "model": model, "store": store}, status=200 if ok else 503)


@operations.get("/metrics")
async def metrics(request: Request) -> HTTPResponse:
    """Prometheus exposition text (501 when prometheus-client is not installed)."""
    collector = request.app.ctx.metrics
    if not collector.enabled:
        return json({"error": "metrics need prometheus-client: pip install 'wismo[metrics]'"}, status=501)
    body, content_type = collector.render()
    return raw(body, content_type=content_type)


@operations.get("/openapi.json")
async def openapi(request: Request) -> HTTPResponse:
    """This API's OpenAPI document."""
    return json(build_openapi(request.app.ctx.settings))
