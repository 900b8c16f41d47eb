"""Reply templates per language, read from ``training_data/{lang}/responses.yml`` (trainer-owned wording).

A template is a string or a list of variations with ``{variable}`` placeholders. Every template the policy
can use must exist in every language, and may only use the variables the code provides: both are checked when
the templates are loaded, so a typo fails start-up, never a conversation.

>>> t = Templates({"en": {"greet": ("Hi {name}!", "Hello {name}!")}})
>>> t.render("greet", "en", {"name": "Jo"}, seed="c1:1")
'Hi Jo!'
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dialogue.errors import TemplateError
from dialogue.handoff import HANDOFF_REASONS
from dialogue.orders import OrderStatus

ORDER_VARIABLES = frozenset(
    {
        "order_id",
        "status_text",
        "carrier",
        "tracking",
        "tracking_number",
        "tracking_url",
        "shipped_date",
        "eta",
    }
    | {"items", "order_date", "last_update", "delivered_date"}
)
SUMMARY_VARIABLES = frozenset(
    {"order_id", "email", "status", "verified", "attempts", "topic", "language", "last_message", "reason"}
)
PRESENTABLE_STATUSES = tuple(s.value for s in OrderStatus if s is not OrderStatus.EXCEPTION)

# Every template the policy and the wording helpers use, with the variables they may reference.
TEMPLATE_VARIABLES: dict[str, frozenset[str]] = {
    "greet": frozenset(),
    "how_can_i_help": frozenset(),
    "thanks": frozenset(),
    "thanks_continue": frozenset(),
    "goodbye": frozenset(),
    "rephrase": frozenset(),
    "ask_order_id": frozenset(),
    "ask_order_id_again": frozenset(),
    "ask_email": frozenset({"order_id"}),
    "ask_email_no_order": frozenset(),
    "ask_postcode": frozenset({"order_id"}),
    "order_not_found": frozenset({"order_id"}),
    "order_not_found_postcode": frozenset({"order_id"}),
    "ask_email_tracking": frozenset({"tracking_number"}),
    "tracking_not_found": frozenset({"tracking_number"}),
    "orders_not_found_email": frozenset({"email"}),
    "order_stuck": ORDER_VARIABLES,
    "choose_order": frozenset({"orders", "count"}),
    "choose_order_again": frozenset({"orders", "count"}),
    "choose_order_other": frozenset({"orders", "count"}),
    "ask_email_invalid": frozenset(),
    "anything_else": frozenset(),
    "other_orders_noted": frozenset({"order_id", "other_order_ids"}),
    "part_tracking": frozenset({"carrier", "tracking_number", "tracking_url"}),
    "part_no_tracking": frozenset(),
    "part_eta_unknown": frozenset(),
    "part_unknown": frozenset(),
    "part_order_line": frozenset({"index", "order_id", "order_date", "first_item"}),
    **{f"order_found_{status}": ORDER_VARIABLES for status in PRESENTABLE_STATUSES},
    **{f"part_status_{status.value}": frozenset() for status in OrderStatus},
    **{f"handoff_{reason}": frozenset({"team"}) for reason in HANDOFF_REASONS},
    **{f"summary_{reason}": SUMMARY_VARIABLES for reason in HANDOFF_REASONS},
}


def variables_of(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a template.

    >>> sorted(variables_of("Order {order_id} ships with {carrier}."))
    ['carrier', 'order_id']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pick_variation(count: int, seed: str) -> int:
    """A deterministic index in ``range(count)`` from ``seed`` (same conversation and turn, same choice).

    >>> pick_variation(3, "conv-1:2:greet") == pick_variation(3, "conv-1:2:greet")
    True
    """
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass(frozen=True)
class Templates:
    """Validated templates: ``{language: {name: (variation, ...)}}``."""

    by_language: Mapping[str, Mapping[str, tuple[str, ...]]]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.by_language)

    def has(self, name: str, language: str) -> bool:
        return name in self.by_language.get(language, {})

    def render(self, name: str, language: str, variables: Mapping[str, Any], seed: str) -> str:
        """The text of template ``name`` in ``language`` with ``variables`` filled in.

        Falls back to the first loaded language when ``language`` has no templates at all.
        """
        table = self.by_language.get(language) or next(iter(self.by_language.values()))
        variations = table[name]
        text = variations[pick_variation(len(variations), f"{seed}:{name}")]
        return text.format_map({k: "" if v is None else v for k, v in variables.items()})


def _validate(language: str, name: str, raw: Any, source: str) -> tuple[str, ...]:
    where = f"{source}: responses.{name}"
    if name not in TEMPLATE_VARIABLES:
        raise TemplateError(f"{where}: unknown template (is the name misspelt?)")
    variations = (raw,) if isinstance(raw, str) else raw
    if (
        not isinstance(variations, list | tuple)
        or not variations
        or not all(isinstance(v, str) for v in variations)
    ):
        raise TemplateError(f"{where}: expected a string or a non-empty list of strings")
    for text in variations:
        try:
            used = variables_of(text)
        except ValueError as exc:
            raise TemplateError(f"{where}: malformed placeholder ({exc})") from exc
        unknown = used - TEMPLATE_VARIABLES[name]
        if unknown:
            allowed = ", ".join(sorted(TEMPLATE_VARIABLES[name])) or "none"
            raise TemplateError(f"{where}: unknown variable {{{sorted(unknown)[0]}}} (allowed: {allowed})")
    return tuple(variations)


def templates_from_mapping(data: Mapping[str, Mapping[str, Any]], source: str = "<memory>") -> Templates:
    """Validate ``{language: {name: text or [texts]}}`` into :class:`Templates`.

    Raises:
        TemplateError: a template is missing in a language, unknown, malformed or uses an unknown variable.
    """
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for language, responses in data.items():
        table[language] = {name: _validate(language, name, raw, source) for name, raw in responses.items()}
        missing = sorted(set(TEMPLATE_VARIABLES) - set(table[language]))
        if missing:
            raise TemplateError(f"{source}: language {language!r} lacks template(s): {', '.join(missing)}")
    return Templates(table)


def load_templates(directory: str | Path, languages: tuple[str, ...] = ("en", "fr")) -> Templates:
    """Read and validate ``{directory}/{lang}/responses.yml`` for each language."""
    data: dict[str, dict[str, Any]] = {}
    for language in languages:
        path = Path(directory) / language / "responses.yml"
        if not path.exists():
            raise TemplateError(
                f"{path}: responses file not found for language {language!r} (dialogue.templates_dir is "
                f"read from the working folder {Path.cwd()}: run from the project folder or give a full path)"
            )
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise TemplateError(f"{path}: not valid YAML ({exc})") from exc
        responses = content.get("responses") if isinstance(content, dict) else None
        if not isinstance(responses, dict):
            raise TemplateError(f"{path}: expected a top-level 'responses:' mapping")
        single = templates_from_mapping({language: responses}, source=str(path))
        data[language] = dict(single.by_language[language])
    return Templates(data)
