"""End-to-end conversation tests written in YAML by QA: the format, the loader and the runner.

A file holds one conversation (``turns:`` at the top) or several (``conversations:``)::

    conversations:
      - name: shipped order, everything in the first message
        language: en                      # every reply must be in this language
        config: {after_confirm: resolve}  # overrides of the dialogue config
        customer: {email: jane@example.com, verified: true}
        connector: failing                # the order back end is down
        turns:
          - user: "where is #1001? I'm jane@example.com"
            template: order_found_shipped  # among this turn's reply templates (``templates:`` = exact list)
            contains: ["1Z999"]            # fragments of the replies (case-insensitive)
            not_contains: ["delivered"]
            slots: {order_id: "1001"}
            handoff: none                  # or a reason; ``silent: true`` expects no reply at all
            after: 25h                     # idle time before this message

Orders come from ``orders.yml`` (a list of orders as :meth:`Order.from_dict` reads them) in the test file's
folder or the nearest parent. The clock is fixed (``now:`` at the top of a conversation, default below).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from dialogue.config import DialogueConfig, parse_duration
from dialogue.connectors.base import ConnectorError, InMemoryConnector
from dialogue.engine import Customer, DialogueEngine, Parser, TurnResult, UserMessage
from dialogue.errors import ConversationTestError, InvalidDialogueConfig
from dialogue.events import Event
from dialogue.orders import Order
from dialogue.templates import Templates

DEFAULT_NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_TURN_KEYS = {
    "user",
    "template",
    "templates",
    "contains",
    "not_contains",
    "slots",
    "handoff",
    "silent",
    "after",
}
_CASE_KEYS = {"name", "language", "config", "customer", "connector", "turns", "now"}


@dataclass(frozen=True)
class TurnSpec:
    """One customer message and what must be true after the bot's answer."""

    user: str
    template: str | None = None
    templates: tuple[str, ...] | None = None
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    slots: dict[str, str | None] = field(default_factory=dict)
    handoff: str | None = None
    expect_handoff: bool = False
    silent: bool = False
    after_seconds: int = 0


@dataclass(frozen=True)
class ConversationSpec:
    """One conversation test case."""

    name: str
    source: str
    turns: tuple[TurnSpec, ...]
    language: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    customer: Customer | None = None
    connector: str = "memory"
    now: datetime = DEFAULT_NOW


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one conversation: an empty ``failures`` list means it passed."""

    spec: ConversationSpec
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise ConversationTestError(f"{where}: expected a string or a list of strings")
    return tuple(items)


def _turn(raw: Any, where: str) -> TurnSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("user"), str | int):
        raise ConversationTestError(f"{where}: every turn needs 'user: <message>'")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise ConversationTestError(
            f"{where}.{sorted(unknown)[0]}: unknown key (known: {sorted(_TURN_KEYS)})"
        )
    slots = raw.get("slots") or {}
    if not isinstance(slots, dict):
        raise ConversationTestError(f"{where}.slots: expected a mapping")
    handoff = raw.get("handoff")
    return TurnSpec(
        user=str(raw["user"]),
        template=raw.get("template"),
        templates=_strings(raw["templates"], f"{where}.templates") if "templates" in raw else None,
        contains=_strings(raw.get("contains", []), f"{where}.contains"),
        not_contains=_strings(raw.get("not_contains", []), f"{where}.not_contains"),
        slots={str(k): (None if v is None else str(v)) for k, v in slots.items()},
        handoff=None if handoff in (None, "none") else str(handoff),
        expect_handoff="handoff" in raw,
        silent=bool(raw.get("silent", False)),
        after_seconds=parse_duration(raw["after"], f"{where}.after") if "after" in raw else 0,
    )


def _case(raw: Any, source: str, index: int) -> ConversationSpec:
    where = f"{source}: conversation {index + 1}"
    if not isinstance(raw, dict) or not isinstance(raw.get("turns"), list) or not raw["turns"]:
        raise ConversationTestError(f"{where}: needs a non-empty 'turns:' list")
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise ConversationTestError(
            f"{where}.{sorted(unknown)[0]}: unknown key (known: {sorted(_CASE_KEYS)})"
        )
    customer = raw.get("customer")
    now = raw.get("now")
    return ConversationSpec(
        name=str(raw.get("name", f"conversation {index + 1}")),
        source=source,
        turns=tuple(_turn(t, f"{where}.turns[{i}]") for i, t in enumerate(raw["turns"])),
        language=raw.get("language"),
        config=dict(raw.get("config") or {}),
        customer=Customer(customer.get("email"), bool(customer.get("verified")), customer.get("name"))
        if isinstance(customer, dict)
        else None,
        connector=str(raw.get("connector", "memory")),
        now=datetime.fromisoformat(str(now)) if now else DEFAULT_NOW,
    )


def load_conversations(path: Path) -> list[ConversationSpec]:
    """The conversation cases of one YAML file. Raises :class:`ConversationTestError` naming the place."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConversationTestError(f"{path}: not valid YAML ({exc})") from exc
    raw_cases = data.get("conversations") if isinstance(data, dict) and "conversations" in data else [data]
    if not isinstance(raw_cases, list):
        raise ConversationTestError(f"{path}: 'conversations:' must be a list")
    return [_case(raw, str(path), i) for i, raw in enumerate(raw_cases)]


def discover(path: Path) -> list[Path]:
    """Conversation test files under ``path`` (every ``*.yml``/``*.yaml`` except ``orders.yml``), sorted."""
    if path.is_file():
        return [path]
    files = [*path.rglob("*.yml"), *path.rglob("*.yaml")]
    return sorted(p for p in files if p.name not in ("orders.yml", "orders.yaml"))


def find_orders_file(test_file: Path) -> Path | None:
    """The ``orders.yml`` next to ``test_file`` or in the nearest parent folder."""
    for folder in test_file.resolve().parents:
        candidate = folder / "orders.yml"
        if candidate.exists():
            return candidate
    return None


def load_orders(path: Path) -> list[Order]:
    """Orders from a YAML list (the :meth:`Order.from_dict` shape)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    orders = data.get("orders", []) if isinstance(data, dict) else data
    try:
        return [Order.from_dict(o) for o in orders]
    except (KeyError, TypeError, ValueError) as exc:
        raise ConversationTestError(f"{path}: bad order ({exc})") from exc


def case_config(base: DialogueConfig, overrides: dict[str, Any], where: str) -> DialogueConfig:
    """``base`` with the case's overrides, validated like the real config."""
    try:
        validated = DialogueConfig.from_dict(overrides)
    except InvalidDialogueConfig as exc:
        raise ConversationTestError(f"{where}: {exc}") from exc
    names = {f.name for f in fields(DialogueConfig)}
    return replace(base, **{k: getattr(validated, k) for k in overrides if k in names})


def check_turn(spec: TurnSpec, result: TurnResult, language: str | None) -> list[str]:
    """What differs between the expectation and the bot's answer (empty when it matches)."""
    problems: list[str] = []
    got = [r.template for r in result.replies]
    text = "\n".join(r.text for r in result.replies)
    if spec.templates is not None and tuple(got) != spec.templates:
        problems.append(f"templates: expected {list(spec.templates)}, got {got}")
    if spec.template and spec.template not in got:
        problems.append(f"template: expected {spec.template!r}, got {got}")
    problems += [f"text: expected to contain {f!r}" for f in spec.contains if f.lower() not in text.lower()]
    problems += [f"text: must not contain {f!r}" for f in spec.not_contains if f.lower() in text.lower()]
    for slot, want in spec.slots.items():
        have = result.state.slots.get(slot)
        if have != want:
            problems.append(f"slot {slot}: expected {want!r}, got {have!r}")
    reason = result.handoff.reason if result.handoff else None
    if spec.expect_handoff and reason != spec.handoff:
        problems.append(f"handoff: expected {spec.handoff or 'none'}, got {reason or 'none'}")
    if spec.silent and got:
        problems.append(f"silent: expected no reply, got {got}")
    if language and result.replies and result.trace.language != language:
        problems.append(f"language: expected {language}, got {result.trace.language}")
    return problems


async def run_conversation(
    spec: ConversationSpec,
    parser: Parser,
    templates: Templates,
    orders: Iterable[Order],
    base: DialogueConfig,
) -> CaseResult:
    """Play one conversation against a fresh engine and collect every mismatch with a readable diff."""
    config = case_config(base, spec.config, spec.source)
    failing = (
        ConnectorError("back end unavailable", connector="memory") if spec.connector == "failing" else None
    )
    engine = DialogueEngine(parser, InMemoryConnector(orders, fail_with=failing), config, templates)
    events: list[Event] = []
    failures: list[str] = []
    now = spec.now
    for i, turn in enumerate(spec.turns, start=1):
        now += timedelta(seconds=turn.after_seconds + 5)
        message = UserMessage(
            turn.user, f"test:{spec.name}", f"m{i}", customer=spec.customer, received_at=now
        )
        result = await engine.handle(events, message)
        events.extend(result.new_events)
        problems = check_turn(turn, result, spec.language)
        if problems:
            failures.append(format_turn_failure(i, turn, result, problems))
    return CaseResult(spec, tuple(failures))


def format_turn_failure(index: int, turn: TurnSpec, result: TurnResult, problems: Sequence[str]) -> str:
    """A diff for one turn: the message, what was expected vs got, the replies and the decision trace."""
    lines = [f"  turn {index}: user: {turn.user!r}"]
    lines += [f"    - {p}" for p in problems]
    lines += [f"    bot [{r.template}]: {r.text!r}" for r in result.replies] or ["    bot: (silent)"]
    lines += [f"    trace: {line}" for line in result.trace.lines()]
    return "\n".join(lines)


def summary_line(results: Sequence[CaseResult]) -> str:
    """``N passed, N failed``.

    >>> summary_line([])
    '0 passed, 0 failed'
    """
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"
