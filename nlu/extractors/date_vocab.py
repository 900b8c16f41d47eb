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

# Unit word -> (minutes, days, months) per unit.
UNITS: dict[str, tuple[int, int, int]] = {
    "minute": (1, 0, 0), "minutes": (1, 0, 0), "min": (1, 0, 0),
    "hour": (60, 0, 0), "hours": (60, 0, 0), "heure": (60, 0, 0), "heures": (60, 0, 0),
    "day": (0, 1, 0), "days": (0, 1, 0), "jour": (0, 1, 0), "jours": (0, 1, 0),
    "week": (0, 7, 0), "weeks": (0, 7, 0), "semaine": (0, 7, 0), "semaines": (0, 7, 0),
    "month": (0, 0, 1), "months": (0, 0, 1), "mois": (0, 0, 1),
}  # fmt: skip

# Fixed offsets in days from the reference date.
DAY_WORDS: dict[str, int] = {
    "today": 0, "aujourd'hui": 0, "aujourd’hui": 0, "aujourdhui": 0,
    "yesterday": -1, "hier": -1,
    "the day before yesterday": -2, "avant-hier": -2, "avant hier": -2,
    "tomorrow": 1, "demain": 1, "après-demain": 2, "apres-demain": 2,
    "this morning": 0, "this afternoon": 0, "ce matin": 0, "cet après-midi": 0, "cet apres-midi": 0,
    "yesterday morning": -1, "yesterday afternoon": -1, "yesterday evening": -1, "last night": -1,
    "hier matin": -1, "hier après-midi": -1, "hier apres-midi": -1, "hier soir": -1,
}  # fmt: skip

# Words just before a year-less date that make it a date to come ("expected on 3 March"), read as the nearest
# such day; any other year-less date is when the order was placed, so the latest such day not after today.
FUTURE_CUES = (
    r"arriv\w*|expected|expecting|due|eta|estimated|scheduled|promised|will|until|deliver(?:y|ies)|"
    r"livr\w*\s+(?:avant|pour|d'ici)|livraison|pr[ée]vu\w*|attendu\w*|estim[ée]\w*|d'ici|jusqu'(?:au|à)"
)
# Words that say the date is in the past, even after a future cue ("expected, but ordered on 3 March").
PAST_CUES = (
    r"order\w*|placed|bought|purchased|paid|delivered|received|since|last|ago|command\w*|pass[ée]\w*|"
    r"achet\w*|pay[ée]\w*|r[ée]gl[ée]\w*|livr[ée]\w*|re[çc]u\w*|depuis|derni[eè]re?"
)


def alternation(words: Mapping[str, object]) -> str:
    """A regex alternation of ``words``, longest first so that ``september`` wins over ``sep``.

    >>> alternation({"may": 5, "mai": 5, "march": 3})
    'march|mai|may'
    """
    return "|".join(
        sorted((w.replace(" ", r"\s+").replace("-", r"[\s-]") for w in words), key=lambda w: (-len(w), w))
    )
