"""Webhook signature checks, one pure function per helpdesk scheme, all compared in constant time.

The message hashed is always the raw request body as received: re-serialising JSON would change the bytes.
Test vectors are the ones computed in the shared integrations notes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime


def intercom_signature(secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature`` value Intercom sends: ``sha1=`` + hex HMAC-SHA1 of the body.

    >>> body = b'{"type":"notification_event","topic":"ping","data":{"item":{"type":"ping","message":"hi"}}}'
    >>> intercom_signature("test_client_secret", body)
    'sha1=418168fc1d6c751944d5238d00ecc66ba39b4b28'
    """
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def verify_intercom(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is Intercom's signature of ``body``; ``False`` when missing or no secret is set.

    >>> verify_intercom("s", b"{}", intercom_signature("s", b"{}"))
    True
    >>> verify_intercom("s", b"{}", None)
    False
    """
    if not secret or not header:
        return False
    return hmac.compare_digest(intercom_signature(secret, body).encode(), header.strip().encode())


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Zendesk's ``X-Zendesk-Webhook-Signature``: base64 HMAC-SHA256 of timestamp + body, key used as text.

    >>> zendesk_signature("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==", "2021-07-25T10:00:00Z", b'{"say": "hello"}')
    'gf3v0LzLRHPUnIdhbvwRDVEvzSb07/QN0GYjSNlkBT0='
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_zendesk(secret: str, body: bytes, signature: str | None, timestamp: str | None) -> bool:
    """Whether ``signature`` is Zendesk's signature of ``timestamp`` + ``body`` (the window is checked apart).

    >>> sig = zendesk_signature("k", "2021-07-25T10:00:00Z", b"{}")
    >>> verify_zendesk("k", b"{}", sig, "2021-07-25T10:00:00Z"), verify_zendesk("k", b"{}", sig, None)
    (True, False)
    """
    if not secret or not signature or not timestamp:
        return False
    expected = zendesk_signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def chatwoot_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Chatwoot's ``X-Chatwoot-Signature`` (v4.13+ agent bots): ``sha256=`` + hex HMAC of ``"{ts}." + body``.

    >>> body = b'{"event":"message_created","id":1,"message_type":"incoming","content":"where is my order #1001?"}'
    >>> chatwoot_signature("test_webhook_secret", "1774708578", body)
    'sha256=3968bb85b83884c97332328e87ce685e620f7ae0f5442419fa17fd2688b692cc'
    """
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_chatwoot(secret: str, body: bytes, signature: str | None, timestamp: str | None) -> bool:
    """Whether ``signature`` is Chatwoot's signature of ``body`` at ``timestamp``.

    >>> verify_chatwoot("k", b"{}", chatwoot_signature("k", "1", b"{}"), "1")
    True
    """
    if not secret or not signature or not timestamp:
        return False
    expected = chatwoot_signature(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def verify_token(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a shared secret (Chatwoot's webhook URL token); empty never matches.

    >>> verify_token("abc", "abc"), verify_token("abc", "abd"), verify_token("", "")
    (True, False, False)
    """
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def timestamp_age(timestamp: str | None, now: datetime) -> float | None:
    """Seconds between ``now`` and an ISO-8601 or unix-seconds timestamp (negative if in the future).

    ``None`` when the value is missing or unreadable, which callers treat as a rejection.

    >>> from datetime import UTC
    >>> now = datetime(2021, 7, 25, 10, 5, tzinfo=UTC)
    >>> timestamp_age("2021-07-25T10:00:00Z", now), timestamp_age(str(int(now.timestamp()) - 60), now)
    (300.0, 60.0)
    >>> timestamp_age("yesterday", now) is None
    True
    """
    if not timestamp:
        return None
    value = timestamp.strip()
    try:
        if value.isdigit():
            return now.timestamp() - int(value)
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return (now - when).total_seconds()
