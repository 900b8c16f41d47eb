"""Words of the English and French date vocabulary, as regex alternations and lookup tables.

Accented and unaccented spellings both appear, because customers type ``fevrier`` as often as ``février``.
"""

from __future__ import annotations

from collections.abc import Mapping

MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"), start=1)},
    **{m: i for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)},
    "sept": 9,
    **{m: i for i, m in enumerate(
        ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre"), start=1)},
    "fevrier": 2, "aout": 8, "decembre": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7, "déc": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    **{d: i for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{d: i for i, d in enumerate(("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"))},
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "quinze": 15,
}  # fmt: skip

# Unit word -> (days, months) per unit.
UNITS: dict[str, tuple[int, int]] = {
    "day": (1, 0), "days": (1, 0), "jour": (1, 0), "jours": (1, 0),
    "week": (7, 0), "weeks": (7, 0), "semaine": (7, 0), "semaines": (7, 0),
    "month": (0, 1), "months": (0, 1), "mois": (0, 1),
}  # fmt: skip

# Fixed offsets in days from the reference date.
DAY_WORDS: dict[str, int] = {
    "today": 0, "aujourd'hui": 0, "aujourd’hui": 0, "aujourdhui": 0,
    "yesterday": -1, "hier": -1,
    "the day before yesterday": -2, "avant-hier": -2, "avant hier": -2,
    "tomorrow": 1, "demain": 1, "après-demain": 2, "apres-demain": 2,
}  # fmt: skip


def alternation(words: Mapping[str, object]) -> str:
    """A regex alternation of ``words``, longest first so that ``september`` wins over ``sep``.

    >>> alternation({"may": 5, "mai": 5, "march": 3})
    'march|mai|may'
    """
    return "|".join(
        sorted((w.replace(" ", r"\s+").replace("-", r"[\s-]") for w in words), key=lambda w: (-len(w), w))
    )
