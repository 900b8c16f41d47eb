"""Cross-origin access for the chat widget embedded on a shop's own domain.

Off unless ``server.cors_origins`` lists the shop's origins (``https://shop.example.com``); ``"*"`` allows any
origin but never with credentials. Only the paths the widget calls are opened.
"""

from __future__ import annotations

from collections.abc import Iterable

from sanic import HTTPResponse, Request, Sanic, empty

CORS_PREFIXES = ("/api/v1/conversations/", "/webhooks/rest/")
PREFLIGHT_PATHS = (
    "/api/v1/conversations/<conversation_id>",
    "/api/v1/conversations/<conversation_id>/messages",
    "/api/v1/conversations/<conversation_id>/release",
    "/webhooks/rest/webhook",
)
_ALLOWED_HEADERS = "Authorization, Content-Type"
_ALLOWED_METHODS = "GET, POST, OPTIONS"
_MAX_AGE = "600"


def allowed_origin(origin: str | None, origins: frozenset[str]) -> str | None:
    """The value of ``Access-Control-Allow-Origin`` for ``origin``, or ``None`` when it is not allowed.

    >>> allowed_origin("https://shop.example", frozenset({"https://shop.example"}))
    'https://shop.example'
    >>> allowed_origin("https://evil.example", frozenset({"https://shop.example"})) is None
    True
    >>> allowed_origin("https://any.example", frozenset({"*"}))
    '*'
    """
    if not origin:
        return None
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def add_cors(app: Sanic, origins: Iterable[str]) -> None:
    """Answer preflight requests and add CORS headers on the widget's paths, for the allowed origins only."""
    allowed = frozenset(origins)
    if not allowed:
        return

    def headers_for(request: Request) -> dict[str, str]:
        value = allowed_origin(request.headers.get("origin"), allowed)
        if value is None or not request.path.startswith(CORS_PREFIXES):
            return {}
        return {"Access-Control-Allow-Origin": value, "Vary": "Origin"}

    async def preflight(request: Request, **_: str) -> HTTPResponse:
        return _preflight(headers_for(request))

    for index, path in enumerate(PREFLIGHT_PATHS):
        app.add_route(preflight, path, methods=["OPTIONS"], name=f"cors_preflight_{index}")

    @app.on_response
    async def add_headers(request: Request, response: HTTPResponse) -> None:
        response.headers.update(headers_for(request))


def _preflight(headers: dict[str, str]) -> HTTPResponse:
    if not headers:
        return empty(status=403)
    return empty(
        status=204,
        headers={
            **headers,
            "Access-Control-Allow-Methods": _ALLOWED_METHODS,
            "Access-Control-Allow-Headers": _ALLOWED_HEADERS,
            "Access-Control-Max-Age": _MAX_AGE,
        },
    )
