"""Masking of personal data in free text, for log filters and reports.

Emails, phone numbers, order numbers and tracking numbers are found with the same precompiled extractors the
NLU uses, then replaced: an email keeps its first letters and top-level domain (``j***@e***.com``), the others
keep a leading ``#`` or ``+`` and their last two characters (``#***01``). As a safety net any remaining run of
four or more digits is masked too (years and parts of dates or times excepted), because log lines write
``order_id=1001`` with no context word the extractors would recognise, and a log is no place to guess.
"""

from __future__ import annotations

import re

from nlu.extractors.email import EmailExtractor
from nlu.extractors.merge import merge_entities
from nlu.extractors.order_id import RegexOrderIdExtractor
from nlu.extractors.phone import PhoneExtractor
from nlu.extractors.tracking import TrackingNumberExtractor
from nlu.types import Entity

_EXTRACTORS = (EmailExtractor(), TrackingNumberExtractor(), PhoneExtractor(), RegexOrderIdExtractor())
_LONG_NUMBER = re.compile(r"(?<![\w:/.,-])(?!(?:19|20)\d\d\b)\d{4,}(?!\w|[:/.,-]\d)")
# Codes that mix letters and a run of digits (DHL ``JD014600003828331234``, ``ORD-12345``) are identifiers too.
_CODE = re.compile(r"(?<![\w*])(?=[A-Za-z0-9-]*\d{4})[A-Za-z][A-Za-z0-9-]{7,}(?![\w*])")
_HINT = re.compile(r"\d|@|\b(?:at|arobase)\b", re.IGNORECASE)


def mask_email(address: str) -> str:
    """An address reduced to its first letters and top-level domain.

    >>> mask_email("jane.doe@example.com")
    'j***@e***.com'
    >>> mask_email("not an address")
    '***'
    """
    local, _, domain = address.rpartition("@")
    labels = domain.split(".")
    if not local or len(labels) < 2 or not labels[0]:
        return "***"
    return f"{local[0]}***@{labels[0][0]}***.{labels[-1]}"


def mask_identifier(written: str, keep: int = 2) -> str:
    """An identifier reduced to its leading ``#``/``+`` and its last ``keep`` letters or digits.

    >>> mask_identifier("#1001")
    '#***01'
    >>> mask_identifier("+33 6 12 34 56 78")
    '+***78'
    >>> mask_identifier("12")
    '***'
    """
    chars = [c for c in written if c.isalnum()]
    prefix = written[0] if written[:1] in ("#", "+") else ""
    tail = "".join(chars[-keep:]) if len(chars) >= keep + 2 else ""
    return f"{prefix}***{tail}"


def _masked(entity: Entity) -> str:
    if entity.entity == "email":
        return mask_email(entity.value)
    return mask_identifier(entity.text)


def mask_text(text: str) -> str:
    """``text`` with emails, phone numbers, order numbers, tracking numbers and other digit runs masked.

    >>> mask_text("Order #1001 for jane@example.com, call +33 6 12 34 56 78")
    'Order #***01 for j***@e***.com, call +***78'
    >>> mask_text("jane at example dot com, suivi 6A12345678901")
    'j***@e***.com, suivi ***01'
    >>> mask_text("dialogue.slot_set slot=order_id value=1001 at 2024-03-12 10:30")
    'dialogue.slot_set slot=order_id value=***01 at 2024-03-12 10:30'
    >>> mask_text("DHL parcel JD014600003828331234 is late")
    'DHL parcel ***34 is late'
    >>> mask_text("no personal data here")
    'no personal data here'
    """
    if not _HINT.search(text):
        return text
    entities = merge_entities(x.extract(text) for x in _EXTRACTORS)
    pieces: list[str] = []
    position = 0
    for entity in entities:
        pieces.append(text[position : entity.start])
        pieces.append(_masked(entity))
        position = entity.end
    pieces.append(text[position:])
    masked = _LONG_NUMBER.sub(lambda m: mask_identifier(m.group(0)), "".join(pieces))
    return _CODE.sub(lambda m: mask_identifier(m.group(0)), masked)
