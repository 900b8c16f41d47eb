"""Reading training data: Rasa 3.x NLU YAML and ``text,intent`` CSV, from files or folders.

Every example keeps its file and line, so that validation and training errors point at ``file:line``. The
language of an example comes from its path: a folder named ``en``/``fr`` or a file named ``*.fr.yml``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlu.errors import InvalidTrainingData
from nlu.text import SUPPORTED_LANGUAGES
from nlu.types import EntitySpan, Example, TrainingData

YAML_SUFFIXES = (".yml", ".yaml")
CSV_SUFFIXES = (".csv",)
ENTITY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# [text](entity) | [text](entity:value) | [text]{"entity": "x", "value": "y"}
_ANNOTATION = re.compile(r"\[(?P<text>[^\[\]]*)\](?:\((?P<short>[^()]*)\)|(?P<json>\{[^{}]*\}))")
_BRACKET = re.compile(r"[\[\]]")
_STRAY_TARGET = re.compile(r"\]\(|\([a-z][a-z0-9_]*(?::[^)]*)?\)|\]\{")


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One problem found in training data."""

    location: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def parse_annotated(text: str, location: str = "<memory>") -> tuple[str, tuple[EntitySpan, ...]]:
    """Strip inline entity annotations and return the plain text with its entity spans.

    >>> parse_annotated("where is #[1001](order_id)?")
    ('where is #1001?', (EntitySpan(entity='order_id', start=10, end=14, value='1001'),))
    >>> parse_annotated('it is [jane AT x.com]{"entity": "email", "value": "jane@x.com"}')[1][0].value
    'jane@x.com'

    Raises:
        InvalidTrainingData: an annotation whose span or entity name is broken.
    """
    spans: list[EntitySpan] = []
    plain: list[str] = []
    cursor = 0
    offset = 0
    for match in _ANNOTATION.finditer(text):
        plain.append(text[cursor : match.start()])
        offset += match.start() - cursor
        surface = match.group("text")
        entity, value = _annotation_target(match, location)
        if not surface.strip():
            raise InvalidTrainingData(f"empty entity text in annotation {match.group(0)!r}", location)
        if surface != surface.strip():
            raise InvalidTrainingData(f"entity text has surrounding spaces in {match.group(0)!r}", location)
        spans.append(EntitySpan(entity, offset, offset + len(surface), value or surface))
        plain.append(surface)
        offset += len(surface)
        cursor = match.end()
    plain.append(text[cursor:])
    result = "".join(plain)
    if _BRACKET.search(result) and _STRAY_TARGET.search(result):
        raise InvalidTrainingData(f"broken entity annotation in {text!r}", location)
    return result, tuple(spans)


def _annotation_target(match: re.Match[str], location: str) -> tuple[str, str | None]:
    if match.group("json") is not None:
        try:
            data = json.loads(match.group("json"))
        except json.JSONDecodeError as err:
            raise InvalidTrainingData(
                f"annotation is not valid JSON: {match.group('json')}", location
            ) from err
        entity, value = str(data.get("entity", "")), data.get("value")
    else:
        entity, _, raw_value = match.group("short").partition(":")
        value = raw_value or None
    if not ENTITY_NAME.match(entity):
        raise InvalidTrainingData(
            f"bad entity name {entity!r} (use snake_case) in {match.group(0)!r}", location
        )
    return entity, None if value is None else str(value)


def language_of(path: Path) -> str | None:
    """The language a training file is written in, from its folder or file name.

    >>> language_of(Path("training_data/fr/nlu.yml"))
    'fr'
    >>> language_of(Path("data/faq.en.csv"))
    'en'
    """
    for part in reversed(path.parts[:-1]):
        if part in SUPPORTED_LANGUAGES:
            return part
    suffixes = [s.lstrip(".") for s in path.suffixes[:-1]]
    return next((s for s in suffixes if s in SUPPORTED_LANGUAGES), None)


def iter_data_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Training files under ``paths`` (files as given, folders recursively), sorted for determinism."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in YAML_SUFFIXES + CSV_SUFFIXES and p.name != "responses.yml"
            )
        elif path.is_file():
            yield path
        else:
            raise InvalidTrainingData("no such file or folder", str(path))


def load_training_data(paths: Iterable[str | Path]) -> TrainingData:
    """Read every training file under ``paths`` into one :class:`TrainingData`.

    Raises:
        InvalidTrainingData: the first syntax or annotation error, with ``file:line``.
    """
    data = TrainingData()
    for path in iter_data_files(paths):
        data = data.merge(load_file(path))
    return data


def load_file(path: Path, errors: list[InvalidTrainingData] | None = None) -> TrainingData:
    """Read one file. With ``errors`` given, bad examples are recorded there and skipped instead of raised."""
    if path.suffix in CSV_SUFFIXES:
        return _load_csv(path, errors)
    if path.suffix in YAML_SUFFIXES:
        return _load_yaml(path, errors)
    raise InvalidTrainingData("unsupported file type (use .yml, .yaml or .csv)", str(path))


def _keep_or_raise(err: InvalidTrainingData, errors: list[InvalidTrainingData] | None) -> None:
    if errors is None:
        raise err
    errors.append(err)


def _load_csv(path: Path, errors: list[InvalidTrainingData] | None) -> TrainingData:
    language = language_of(path)
    examples: list[Example] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        # Header names are matched without case or surrounding spaces ("Text, Intent" from a spreadsheet).
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
        fields = reader.fieldnames
        if "text" not in fields or "intent" not in fields:
            raise InvalidTrainingData("CSV header must contain the columns text,intent", f"{path}:1")
        try:
            for row in reader:
                line = reader.line_num
                text, intent = (row.get("text") or "").strip(), (row.get("intent") or "").strip()
                try:
                    if not text or not intent:
                        raise InvalidTrainingData("row needs both text and intent", f"{path}:{line}")
                    plain, spans = parse_annotated(text, f"{path}:{line}")
                except InvalidTrainingData as err:
                    _keep_or_raise(err, errors)
                    continue
                examples.append(Example(plain, intent, spans, language, str(path), line))
        except csv.Error as err:
            raise InvalidTrainingData(f"CSV syntax error: {err}", f"{path}:{reader.line_num}") from err
    return TrainingData(examples=tuple(examples))


def _load_yaml(path: Path, errors: list[InvalidTrainingData] | None) -> TrainingData:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise InvalidTrainingData(f"YAML syntax error: {err.problem or err}", f"{path}:{line}") from err
    except UnicodeDecodeError as err:
        raise InvalidTrainingData("file is not UTF-8 text", f"{path}:1") from err
    if root is None:
        return TrainingData()
    if not isinstance(root, yaml.MappingNode):
        raise InvalidTrainingData("top level must be a mapping with an 'nlu:' key", f"{path}:1")
    top = _mapping(root)
    if "nlu" not in top:
        return TrainingData()  # e.g. a responses or stories file: not NLU data
    nlu_node = top["nlu"]
    if not isinstance(nlu_node, yaml.SequenceNode):
        raise InvalidTrainingData("'nlu' must be a list", f"{path}:{nlu_node.start_mark.line + 1}")
    collected = _Collected(path, language_of(path))
    for item in nlu_node.value:
        try:
            collected.add(item, errors)
        except InvalidTrainingData as err:
            _keep_or_raise(err, errors)
    return collected.result()


def _mapping(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {str(k.value): v for k, v in node.value}


class _Collected:
    """Accumulates the entries of one YAML file."""

    def __init__(self, path: Path, language: str | None) -> None:
        self.path, self.language = path, language
        self.examples: list[Example] = []
        self.synonyms: dict[str, str] = {}
        self.regexes: dict[str, tuple[str, ...]] = {}
        self.lookups: dict[str, tuple[str, ...]] = {}

    def where(self, node: yaml.Node) -> str:
        return f"{self.path}:{node.start_mark.line + 1}"

    def add(self, item: yaml.Node, errors: list[InvalidTrainingData] | None = None) -> None:
        if not isinstance(item, yaml.MappingNode):
            raise InvalidTrainingData("each 'nlu' entry must be a mapping", self.where(item))
        entry = _mapping(item)
        kinds = [k for k in ("intent", "synonym", "regex", "lookup") if k in entry]
        if len(kinds) != 1:
            raise InvalidTrainingData(
                "each entry needs exactly one of intent, synonym, regex, lookup", self.where(item)
            )
        kind = kinds[0]
        name = str(entry[kind].value).strip()
        if not name:
            raise InvalidTrainingData(f"empty {kind} name", self.where(entry[kind]))
        if "examples" not in entry:
            raise InvalidTrainingData(f"{kind} {name!r} has no examples", self.where(item))
        lines = list(self._lines(entry["examples"]))
        if not lines:
            error = InvalidTrainingData(f"{kind} {name!r} has an empty examples block", self.where(item))
            _keep_or_raise(error, errors)
            return
        if kind == "intent":
            for text, line in lines:
                try:
                    plain, spans = parse_annotated(text, f"{self.path}:{line}")
                except InvalidTrainingData as err:
                    _keep_or_raise(err, errors)
                    continue
                self.examples.append(Example(plain, name, spans, self.language, str(self.path), line))
        elif kind == "synonym":
            for text, _ in lines:
                self.synonyms[text.lower()] = name
        elif kind == "regex":
            for pattern, line in lines:
                try:
                    re.compile(pattern)
                except re.error as err:
                    message = f"regex {name!r}: pattern {pattern!r} does not compile: {err}"
                    _keep_or_raise(InvalidTrainingData(message, f"{self.path}:{line}"), errors)
            self.regexes[name] = self.regexes.get(name, ()) + tuple(t for t, _ in lines)
        else:
            self.lookups[name] = self.lookups.get(name, ()) + tuple(t for t, _ in lines)

    def _lines(self, node: yaml.Node) -> Iterator[tuple[str, int]]:
        if isinstance(node, yaml.SequenceNode):  # examples as a YAML list
            for child in node.value:
                text = child.value if isinstance(child, yaml.ScalarNode) else _text_of(child)
                yield str(text).strip(), child.start_mark.line + 1
            return
        if not isinstance(node, yaml.ScalarNode):
            raise InvalidTrainingData("examples must be a block of '- ' lines", self.where(node))
        first_line = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
        for index, raw in enumerate(str(node.value).splitlines()):
            stripped = raw.strip()
            if not stripped:
                continue
            if not stripped.startswith("- "):
                raise InvalidTrainingData(
                    f"example lines must start with '- ': {stripped[:40]!r}",
                    f"{self.path}:{first_line + index}",
                )
            yield stripped[2:].strip(), first_line + index

    def result(self) -> TrainingData:
        return TrainingData(tuple(self.examples), self.synonyms, self.regexes, self.lookups)


def _text_of(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _mapping(node).get("text", yaml.ScalarNode("tag:yaml.org,2002:str", "")).value
    return ""
