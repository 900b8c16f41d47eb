"""The OpenAPI 3.1 document of the HTTP API, served at ``/openapi.json``.

Request bodies reuse the validation schemas of :mod:`server.validation`, so the document and the server agree.
"""

from __future__ import annotations

from typing import Any

from server.settings import Settings
from server.validation import message_schema, parse_schema, rasa_message_schema, release_schema

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "status": {"type": "integer"},
    },
}
_PARSE = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "intent": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "confidence": {"type": "number"}},
        },
        "intent_ranking": {"type": "array", "items": {"type": "object"}},
        "entities": {"type": "array", "items": {"type": "object"}},
        "language": {"type": ["string", "null"]},
    },
}
_HANDOFF = {
    "type": ["object", "null"],
    "description": "The handoff record (reason, topic, language, slots, verified, order, lookups, summary, "
    "transcript, tags, team), or null.",
}
_TURN = {
    "type": "object",
    "required": ["conversation_id", "replies", "parse", "slots", "state", "handoff", "trace"],
    "properties": {
        "conversation_id": {"type": "string"},
        "replies": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["text", "template"],
                "properties": {"text": {"type": "string"}, "template": {"type": "string"}},
            },
        },
        "parse": _PARSE,
        "slots": {"type": "object", "additionalProperties": {"type": "string"}},
        "state": {"type": "object"},
        "handoff": _HANDOFF,
        "trace": {"type": "object"},
    },
}
_CONVERSATION = {
    "type": "object",
    "required": ["conversation_id", "state", "events", "handoff"],
    "properties": {
        "conversation_id": {"type": "string"},
        "state": {"type": "object"},
        "slots": {"type": "object"},
        "events": {"type": "array", "items": {"type": "object"}},
        "handoff": _HANDOFF,
    },
}
_RASA_REPLIES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["recipient_id"],
        "properties": {
            "recipient_id": {"type": "string"},
            "text": {"type": "string"},
            "custom": {"type": "object"},
        },
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "invalid body (names the field)", 401: "bearer token missing or wrong", 404: "unknown",
            413: "body too large", 415: "not application/json", 429: "rate limited (Retry-After)"}  # fmt: skip
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes if c in text} | {
        "default": {"$ref": "#/components/responses/Error"}
    }


def build_openapi(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document for an app built with ``settings``."""
    max_text = settings.server.max_text_chars
    conv_id = {
        "name": "conversation_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    }
    body_errors = _errors(400, 401, 413, 415, 429)
    api: dict[str, Any] = {
        "/api/v1/conversations/{conversation_id}/messages": {
            "post": {
                "summary": "Send one customer message; get the bot's replies, parse, slots, state, handoff, trace",
                "description": "A repeated message_id returns the original answer and changes nothing.",
                "parameters": [conv_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": message_schema(settings.dialogue.languages, max_text)}}},
                "responses": {"200": _json(_TURN, "the turn"), **body_errors},
            }
        },
        "/api/v1/conversations/{conversation_id}": {
            "get": {
                "summary": "A conversation's state, events and handoff",
                "parameters": [conv_id],
                "responses": {"200": _json(_CONVERSATION, "the conversation"), **_errors(400, 401, 404, 429)},
            }
        },
        "/api/v1/conversations/{conversation_id}/release": {
            "post": {
                "summary": "The human team gives a handed-off conversation back to the bot",
                "parameters": [conv_id],
                "requestBody": {"required": False, "content": {"application/json": {"schema": release_schema()}}},
                "responses": {"200": _json(_CONVERSATION, "the conversation after release"), **body_errors},
            }
        },
        "/webhooks/rest/webhook": {
            "post": {
                "summary": "Rasa REST channel: one message, replies as a list (handoff as a custom payload)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": rasa_message_schema(max_text)}}},
                "responses": {"200": _json(_RASA_REPLIES, "the replies"), **body_errors},
            }
        },
        "/model/parse": {
            "post": {
                "summary": "Rasa-compatible NLU parse of one text",
                "requestBody": {"required": True, "content": {"application/json": {"schema": parse_schema(settings.dialogue.languages, max_text)}}},
                "responses": {"200": _json(_PARSE, "the parse"), **body_errors},
            }
        },
        "/api/v1/demo/orders": {
            "get": {
                "summary": "The embedded demo shop's orders, for the web console (404 with another connector)",
                "responses": {
                    "200": _json({"type": "object", "properties": {"connector": {"type": "string"}, "orders": {"type": "array", "items": {"type": "object"}}}}, "orders"),
                    "404": _json(_ERROR, "not the demo shop"),
                },
            }
        },
        "/health": {"get": {"summary": "Liveness", "security": [], "responses": {"200": _json({"type": "object"}, "alive")}}},
        "/ready": {
            "get": {
                "summary": "Readiness: model loaded and state store reachable",
                "security": [],
                "responses": {"200": _json({"type": "object"}, "ready"), "503": _json({"type": "object"}, "not ready")},
            }
        },
        "/metrics": {
            "get": {
                "summary": "Prometheus metrics",
                "security": [],
                "responses": {"200": {"description": "exposition text", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }
        },
    }  # fmt: skip
    error = _json(_ERROR, "error")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "wismo",
            "version": "1",
            "description": "Self-hosted 'where is my order?' bot. See docs/api.md.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}] if settings.api_token else [],
        "paths": api,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {f"E{c}": error for c in (400, 401, 404, 413, 415, 429)} | {"Error": error},
        },
    }
