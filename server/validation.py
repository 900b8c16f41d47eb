"""Request schemas (a JSON Schema subset) and their validator; the same schemas feed ``/openapi.json``.

>>> validate({"text": "hi"}, message_schema(("en", "fr"), 4000))
{'text': 'hi'}
>>> validate({"text": 3}, message_schema(("en",), 10))
Traceback (most recent call last):
...
server.errors.BadRequest: text: expected string
"""

from __future__ import annotations

from typing import Any

from server.errors import BadRequest

MAX_ID_CHARS = 200
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def customer_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Who the channel says the customer is; verified when the channel authenticated them.",
        "properties": {
            "email": _nullable({"type": "string", "maxLength": 320}),
            "verified": {"type": "boolean"},
            "name": _nullable({"type": "string", "maxLength": 200}),
        },
    }


def message_schema(languages: tuple[str, ...], max_text: int) -> dict[str, Any]:
    """``POST /api/v1/conversations/{id}/messages``."""
    return {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": max_text},
            "message_id": _nullable({"type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS}),
            "language": _nullable({"type": "string", "enum": list(languages)}),
            "customer": _nullable(customer_schema()),
        },
    }


def rasa_message_schema(max_text: int) -> dict[str, Any]:
    """``POST /webhooks/rest/webhook`` (Rasa REST channel)."""
    return {
        "type": "object",
        "required": ["message"],
        "properties": {
            "sender": {"type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS},
            "message": {"type": "string", "minLength": 1, "maxLength": max_text},
            "metadata": {"type": ["object", "null"]},
        },
    }


def parse_schema(languages: tuple[str, ...], max_text: int) -> dict[str, Any]:
    """``POST /model/parse``."""
    return {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": max_text},
            "language": _nullable({"type": "string", "enum": list(languages)}),
        },
    }


def release_schema() -> dict[str, Any]:
    """``POST /api/v1/conversations/{id}/release`` (the body is optional)."""
    return {"type": "object", "properties": {"by": _nullable({"type": "string", "maxLength": MAX_ID_CHARS})}}


def check_conversation_id(value: str, field: str = "conversation_id") -> str:
    """A conversation id (from a path or a body), or 400 naming ``field``.

    >>> check_conversation_id("intercom:123")
    'intercom:123'
    """
    if not value or len(value) > MAX_ID_CHARS or not value.isprintable():
        raise BadRequest(f"{field}: expected 1-{MAX_ID_CHARS} printable characters", field=field)
    return value


def validate(value: Any, schema: dict[str, Any], path: str = "") -> Any:
    """Return ``value`` when it matches ``schema``; otherwise raise :class:`BadRequest` naming the field."""
    where = path or "body"
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        allowed = tuple(t for name in names for t in _TYPES[name])
        # bool is an int in Python, and JSON numbers are never valid where we want text or flags.
        if not isinstance(value, allowed):
            raise BadRequest(f"{where}: expected {' or '.join(names)}", field=where)
    if value is None:
        return value
    if "enum" in schema and value not in schema["enum"]:
        raise BadRequest(f"{where}: must be one of {', '.join(map(str, schema['enum']))}", field=where)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or (value.strip() == "" and schema.get("minLength")):
            raise BadRequest(f"{where}: must not be empty", field=where)
        if len(value) > schema.get("maxLength", len(value)):
            raise BadRequest(f"{where}: longer than {schema['maxLength']} characters", field=where)
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                raise BadRequest(
                    f"{path + '.' if path else ''}{key}: required", field=f"{path + '.' if path else ''}{key}"
                )
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                validate(value[key], sub, f"{path}.{key}" if path else key)
    return value
