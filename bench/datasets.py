"""Readers for the public benchmark sets in ``../shared/data``, into :class:`nlu.types.Example`.

The project's own loaders read Rasa YAML and ``text,intent`` CSV; the public sets come in their own shapes
(CLINC150 JSON, BANKING77 ``text,category`` CSV, Bitext CSV with one entity span per row), so the benchmark
reads them here. Nothing read here is ever copied into ``training_data/``.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

from nlu.types import OUT_OF_SCOPE, EntitySpan, Example

REPO = Path(__file__).resolve().parent.parent

# Bitext intents -> the nearest intent of wismo's default model; anything absent maps to out_of_scope.
BITEXT_TO_WISMO: dict[str, str] = {
    "track_order": "order_status",
    "delivery_period": "order_status",
    "cancel_order": "cancel_order",
    "check_cancellation_fee": "cancel_order",
    "change_order": "change_order",
    "change_shipping_address": "change_order",
    "contact_human_agent": "request_human",
    "contact_customer_service": "request_human",
    "get_refund": "return_refund",
    "track_refund": "return_refund",
    "check_refund_policy": "return_refund",
    "payment_issue": "payment_issue",
    "check_payment_methods": "payment_issue",
    "complaint": "complaint",
    "create_account": "account_issue",
    "delete_account": "account_issue",
    "edit_account": "account_issue",
    "switch_account": "account_issue",
    "recover_password": "account_issue",
    "registration_problems": "account_issue",
}


def shared_data_dir() -> Path:
    """``$WISMO_SHARED_DIR/data`` or ``<repo>/../shared/data``; exits with a clear message when absent."""
    root = os.environ.get("WISMO_SHARED_DIR")
    base = Path(root) if root else REPO.parent / "shared"
    data = base / "data" if (base / "data").is_dir() else base
    if not (data / "clinc150").is_dir():
        sys.exit(
            f"bench: public data sets not found under {data} (set WISMO_SHARED_DIR to the shared folder)"
        )
    return data


def clinc150(data: Path) -> dict[str, list[Example]]:
    """CLINC150 splits ``train``, ``val``, ``oos_train``, ``oos_val``; label ``oos`` becomes ``out_of_scope``."""
    path = data / "clinc150" / "data_full_trainval.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        split: [
            Example(text, OUT_OF_SCOPE if label == "oos" else label, language="en", source=str(path))
            for text, label in rows
        ]
        for split, rows in raw.items()
    }


def banking77(data: Path) -> list[Example]:
    """BANKING77 train set (``text,category``)."""
    path = data / "banking77" / "train.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(row["text"], row["category"], language="en", source=str(path), line=i + 2)
            for i, row in enumerate(csv.DictReader(handle))
        ]


def bitext(data: Path, split: str) -> list[Example]:
    """Bitext ``train`` or ``dev``; the row's entity span (at most one) becomes an :class:`EntitySpan`."""
    path = data / "bitext" / f"{split}.csv"
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            spans: tuple[EntitySpan, ...] = ()
            if row["entity_type"]:
                start, end = int(row["start_offset"]), int(row["end_offset"])
                spans = (EntitySpan(row["entity_type"], start, end, row["entity_value"]),)
            examples.append(
                Example(row["utterance"], row["intent"], spans, language="en", source=str(path), line=i + 2)
            )
    return examples


def map_bitext(examples: list[Example]) -> list[Example]:
    """Bitext examples relabelled with :data:`BITEXT_TO_WISMO` (others become ``out_of_scope``)."""
    return [
        Example(e.text, BITEXT_TO_WISMO.get(e.intent, OUT_OF_SCOPE), e.entities, e.language, e.source, e.line)
        for e in examples
    ]
