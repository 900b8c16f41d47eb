"""Absolute and relative dates in English and French, normalised to ISO dates (``YYYY-MM-DD``).

Rules, each resolved against a reference time with python-dateutil's ``relativedelta``:

- ISO and numeric dates: ``2024-03-12``, ``12/03``, ``12/03/2024``, ``12.03.2024`` (a dot needs the year, so
  ``12.50`` stays a price). ``12/03`` is read day first or month first per language (``EntityConfig.day_first``;
  en: month first, fr: day first); a first number above 12 is always the day.
- Month names: ``le 12 mars``, ``1er mars 2024``, ``March 12``, ``12th of March``, ``Tuesday, March 12``;
  ``on the 14th`` is the 14th of a nearby month (see below for which).
- Day words: ``today``, ``hier``, ``avant-hier``, ``the day before yesterday``, ``this morning``, ``ce matin``,
  ``yesterday evening``, ``hier soir``, ``last night``.
- Offsets: ``3 days ago``, ``il y a 3 jours``, ``two weeks ago``, ``il y a un mois``, ``an hour ago``, ``il y a
  2 heures`` (counted from the reference time, so an hour ago at 00:30 is yesterday); ``last week`` and ``la
  semaine dernière`` (seven days back), ``last month`` and ``le mois dernier``.
- Weekdays: ``last Tuesday`` and ``mardi dernier`` are the latest Tuesday strictly before the reference day;
  a bare ``Tuesday``/``mardi`` is the latest one on or before it.

A date without a year (``3 March``, ``12/03``, ``on the 14th``) is an order date, so it takes the latest such day
on or before the reference date (``le 3 mars`` said on 4 December is this year's, ``28 December`` said on 2
January last year's). After a word of things to come (``expected``, ``arrive``, ``prévu``, ``livré avant``) it
takes the nearest such day instead, past or future, unless a word of the past comes closer to the date
(``ordered``, ``commandé``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from nlu.extractors.base import DIGIT, SpanSet, make_entity
from nlu.extractors.config import DEFAULT_DAY_FIRST
from nlu.extractors.date_vocab import (
    DAY_WORDS,
    FUTURE_CUES,
    MONTHS,
    NUMBER_WORDS,
    PAST_CUES,
    UNITS,
    WEEKDAYS,
    alternation,
)
from nlu.types import Entity

ORDER_DATE = "order_date"

_MONTH = alternation(MONTHS)
_WEEKDAY = alternation(WEEKDAYS)
_NUMBER = rf"\d{{1,3}}|{alternation(NUMBER_WORDS)}"
_UNIT = alternation(UNITS)
_F = re.IGNORECASE

_ISO = re.compile(r"(?<![\d/.-])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d/-]|\.\d)")
_NUMERIC = re.compile(r"(?<![\d/.,:-])(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?!\d|[/.,:-]\d)")
_DAY_MONTH = re.compile(
    # An abbreviation's dot is part of the date only when a year follows: "le 1er mars." ends a sentence.
    rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)?(?:\s+of)?\s+({_MONTH})\b(?:\.(?=,?\s+\d{{4}}\b))?(?:,?\s+(\d{{4}})\b)?",
    _F,
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?", _F
)
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b", _F)  # "on the 14th": a day of a nearby month
_WEEKDAY_BEFORE = re.compile(rf"\b(?:{_WEEKDAY}),?\s+$", _F)
_DAY_WORD = re.compile(rf"\b(?:{alternation(DAY_WORDS)})(?![\w-])", _F)
_AGO = re.compile(rf"\b({_NUMBER})\s+({_UNIT})\s+ago\b", _F)
_IL_Y_A = re.compile(rf"\bil\s+y\s+a\s+({_NUMBER})\s+({_UNIT})\b", _F)
_LAST_PERIOD = re.compile(
    r"\blast\s+(week|month)\b|\b(?:la\s+)?(semaine)\s+(?:derni[èe]re|pass[ée]e)\b|\b(?:le\s+)?(mois)\s+(?:dernier|pass[ée])\b",
    _F,
)
_LAST_WEEKDAY = re.compile(rf"\b(?:(last)\s+)?({_WEEKDAY})\b(?:\s+(dernier|pass[ée]))?", _F)
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT_SEP = re.compile(r"\d[/.-]\d")
_DIGIT_HINT, _DIGIT_SEP_HINT = "<digit>", "<digit-sep>"  # cannot collide with words, which are letters only
# A day word always holds one of these ("this morning" holds "morning"); "the", "this", "ce"... are too common.
_DAY_WORD_TOKENS = frozenset(w for k in DAY_WORDS for w in _LETTERS.findall(k)) - {
    "the", "day", "before", "this", "last", "ce", "cet",
}  # fmt: skip
_CUE = re.compile(rf"\b(?:(?P<future>{FUTURE_CUES})|(?P<past>{PAST_CUES}))(?![\w'])", _F)
_CLAUSE_END = re.compile(r"[.,;:!?\n]")
_CUE_WINDOW = 60  # characters before a date searched for a cue, within its clause
_PERIOD_TOKENS = frozenset({"last", "semaine", "mois"})
_DAY_OFFSETS = {re.sub(r"[\s-]+", " ", k): v for k, v in DAY_WORDS.items()}


@dataclass(frozen=True, slots=True)
class _Reading:
    """How one date is read: against which time, day first or not, and whether it must not be in the future."""

    now: datetime
    day_first: bool
    past: bool

    @property
    def today(self) -> date:
        return self.now.date()


Rule = Callable[[re.Match[str], _Reading], date | None]


class DateExtractor:
    """Finds dates and normalises them to ISO dates relative to a reference time.

    Args:
        day_first: Per language, whether ``12/03`` means 12 March (defaults: en False, fr True).

    >>> ref = datetime(2024, 3, 14)  # a Thursday
    >>> [e.value for e in DateExtractor().extract("commandé mardi dernier, pas le 12 mars", reference_time=ref)]
    ['2024-03-12', '2024-03-12']
    >>> [e.value for e in DateExtractor().extract("ordered 3 days ago", reference_time=ref)]
    ['2024-03-11']
    >>> [e.value for e in DateExtractor().extract("ordered 3 December, expected 2 April", reference_time=ref)]
    ['2023-12-03', '2024-04-02']
    """

    name = "rule_date"

    def __init__(self, day_first: Mapping[str, bool] = DEFAULT_DAY_FIRST) -> None:
        self._day_first = dict(day_first)
        # Each rule runs only when the message holds a word (or digit) it needs: most messages skip most rules.
        self._rules: tuple[tuple[Callable[[frozenset[str]], bool], re.Pattern[str], Rule], ...] = (
            (lambda hints: _DIGIT_SEP_HINT in hints, _ISO, _iso),
            (lambda hints: _DIGIT_HINT in hints and not hints.isdisjoint(MONTHS), _DAY_MONTH, _day_month),
            (lambda hints: _DIGIT_HINT in hints and not hints.isdisjoint(MONTHS), _MONTH_DAY, _month_day),
            (lambda hints: _DIGIT_SEP_HINT in hints, _NUMERIC, _numeric),
            (lambda hints: _DIGIT_HINT in hints and "the" in hints, _ORDINAL_DAY, _ordinal_day),
            (lambda hints: "ago" in hints, _AGO, _offset),
            (lambda hints: "il" in hints and "y" in hints, _IL_Y_A, _offset),
            (lambda hints: not hints.isdisjoint(_PERIOD_TOKENS), _LAST_PERIOD, _last_period),
            (lambda hints: not hints.isdisjoint(_DAY_WORD_TOKENS), _DAY_WORD, _day_word),
            (lambda hints: not hints.isdisjoint(WEEKDAYS), _LAST_WEEKDAY, _weekday),
        )

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Dates in ``text`` as ``order_date`` entities, sorted by start; ``reference_time`` defaults to now."""
        hints = self._hints(text)
        if not hints:
            return []
        now = reference_time or datetime.now()
        day_first = self._day_first.get(language, self._day_first.get("en", False))
        found: list[tuple[int, int, date]] = []
        taken = SpanSet()
        for applies, pattern, rule in self._rules:
            if not applies(hints):
                continue
            for m in pattern.finditer(text):
                if taken.overlaps(*m.span()):
                    continue
                reading = _Reading(now, day_first, not _future_context(text, m.start()))
                try:
                    value = rule(m, reading)
                except (ValueError, OverflowError):  # 31/02, year 0: not a date after all
                    continue
                if value is not None:
                    start = self._with_weekday(text, m.start(), taken)
                    taken.add(start, m.end())
                    found.append((start, m.end(), value))
        return [make_entity(text, s, e, ORDER_DATE, d.isoformat(), self.name) for s, e, d in sorted(found)]

    @staticmethod
    def _hints(text: str) -> frozenset[str]:
        """The lower-case words of ``text``, plus markers for "has a digit" and "has 12/03-like digits"."""
        hints = set(_LETTERS.findall(text.lower()))
        if DIGIT.search(text):
            hints.add(_DIGIT_HINT)
            if _DIGIT_SEP.search(text):
                hints.add(_DIGIT_SEP_HINT)
        return frozenset(hints)

    @staticmethod
    def _with_weekday(text: str, start: int, taken: SpanSet) -> int:
        """Start of the span, moved back over a weekday that names the same date ("Tuesday, March 12")."""
        before = _WEEKDAY_BEFORE.search(text, max(0, start - 12), start)
        if before is None or taken.overlaps(before.start(), start):
            return start
        return before.start()


def _future_context(text: str, start: int) -> bool:
    """Whether the last cue word before ``start``, in the same clause, speaks of things to come."""
    window = _CLAUSE_END.split(text[max(0, start - _CUE_WINDOW) : start])[-1]
    cues = list(_CUE.finditer(window))
    return bool(cues) and cues[-1].group("future") is not None


def _year_for(today: date, month: int, day: int, past: bool) -> date:
    """The latest ``day``/``month`` on or before ``today`` when ``past``, else the nearest one."""
    options = []
    for year in range(today.year - 4, today.year + 2):  # four years back: 29 February
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if past:
        options = [d for d in options if d <= today]
    if not options:
        raise ValueError("no such day")
    return min(options, key=lambda d: (abs((d - today).days), d))


def _make(reading: _Reading, year: str | None, month: int, day: int) -> date:
    if year is None:
        return _year_for(reading.today, month, day, reading.past)
    y = int(year)
    return date(y + 2000 if y < 100 else y, month, day)


def _iso(m: re.Match[str], reading: _Reading) -> date:
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _numeric(m: re.Match[str], reading: _Reading) -> date | None:
    a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    if sep != "/" and year is None:
        return None  # 12.50 is a price, 12-03 too ambiguous
    day, month = (a, b) if reading.day_first else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day
    return _make(reading, year, month, day)


def _day_month(m: re.Match[str], reading: _Reading) -> date:
    return _make(reading, m.group(3), MONTHS[m.group(2).lower()], int(m.group(1)))


def _month_day(m: re.Match[str], reading: _Reading) -> date:
    return _make(reading, m.group(3), MONTHS[m.group(1).lower()], int(m.group(2)))


def _ordinal_day(m: re.Match[str], reading: _Reading) -> date:
    day, today = int(m.group(1)), reading.today
    months = [today + relativedelta(months=k) for k in (-2, -1, 0, 1)]  # two back: "the 30th" after February
    options = [date(d.year, d.month, day) for d in months if day <= _days_in_month(d)]
    if reading.past:
        options = [d for d in options if d <= today]
    if not options:
        raise ValueError("no such day")
    return min(options, key=lambda d: (abs((d - today).days), d))


def _days_in_month(day: date) -> int:
    return ((day.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)).day


def _day_word(m: re.Match[str], reading: _Reading) -> date:
    return reading.today + timedelta(days=_DAY_OFFSETS[re.sub(r"[\s-]+", " ", m.group(0).lower())])


def _amount(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _offset(m: re.Match[str], reading: _Reading) -> date:
    minutes, days, months = UNITS[m.group(2).lower()]
    n = _amount(m.group(1))
    return (reading.now - relativedelta(months=months * n, days=days * n, minutes=minutes * n)).date()


def _last_period(m: re.Match[str], reading: _Reading) -> date:
    unit = (m.group(1) or m.group(2) or m.group(3)).lower()
    return reading.today - (relativedelta(months=1) if unit in ("month", "mois") else relativedelta(days=7))


def _weekday(m: re.Match[str], reading: _Reading) -> date:
    strict = m.group(1) is not None or m.group(3) is not None
    weekday = WEEKDAYS[m.group(2).lower()]
    start = reading.today - timedelta(days=1) if strict else reading.today
    return start - timedelta(days=(start.weekday() - weekday) % 7)
