"""Which of several listed orders the customer means: by number, position, date or item name.

>>> from dialogue.orders import LineItem, OrderStatus
>>> orders = (Order("1003", "a@b.c", OrderStatus.SHIPPED, items=(LineItem("Blue mug"),)),
...           Order("1001", "a@b.c", OrderStatus.DELIVERED, items=(LineItem("Wool scarf"),)))
>>> choose_order("the second one", (), orders).order_id
'1001'
>>> choose_order("c'est l'écharpe en laine, la wool scarf", (), orders).order_id
'1001'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from dialogue.orders import Order
from nlu.extractors.date_vocab import MONTHS
from nlu.text import fold_accents
from nlu.types import Entity

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "deuxieme": 2, "seconde": 2, "2e": 2, "2eme": 2,
    "troisieme": 3, "3e": 3, "3eme": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5, "quatrieme": 4, "4e": 4,
    "4eme": 4, "cinquieme": 5, "5e": 5, "5eme": 5, "1ere": 1, "1ier": 1, "2nde": 2, "2de": 2, "2ieme": 2,
    "3ieme": 3, "4ieme": 4, "5ieme": 5, "two": 2, "three": 3, "deux": 2, "trois": 3,
}  # fmt: skip
_LAST = frozenset({"last", "dernier", "derniere"})
# "the most recent one", "la plus récente": the listed orders are newest first, so the first of the list.
_NEWEST = re.compile(  # on folded text
    r"\b(?:most recent|latest|newest|last (?:order|one) i (?:made|placed)|plus recente?|derniere commandee?)\b"
)
# A bare number names a position only in a short answer ("la 2", "numéro 2", "n°2").
_POSITION_NUMBER = re.compile(
    r"^\W*(?:(?:the|la|le|number|numero|n[°º]|no\.?|#)\s*)*([1-9])\W*(?:one|svp|please)?\W*$"
)
_COUNT_WORDS = frozenset({"deux", "two", "trois", "three"})
_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    return fold_accents(text.lower())


def _ordinal_positions(words: Sequence[str]) -> set[int]:
    """The 1-based positions that ordinal words name ("second", "2e"). Spelt numbers ("deux", "three") count
    only right after an article ("la deux"): "charged two times" names no order."""
    return {
        _ORDINALS[w]
        for i, w in enumerate(words)
        if w in _ORDINALS and (w not in _COUNT_WORDS or (i > 0 and words[i - 1] in ("la", "le", "the")))
    }


def position_in(text: str, count: int) -> int | None:
    """The 0-based position named in ``text`` ("the second one", "la dernière", "2"), if exactly one.

    >>> position_in("la dernière", 3)
    2
    >>> position_in("the 2nd please", 3)
    1
    >>> [position_in(t, 3) for t in ("la 1ère", "la 2", "n°2", "la plus récente", "the most recent one")]
    [0, 1, 1, 0, 0]
    """
    folded = _fold(text)
    words = _WORD.findall(folded)
    found = {p - 1 for p in _ordinal_positions(words)}
    if _NEWEST.search(folded):
        found.add(0)
    elif any(w in _LAST for w in words):
        found.add(count - 1)
    number = _POSITION_NUMBER.match(folded)
    if not found and number and 1 <= int(number.group(1)) <= count:
        found.add(int(number.group(1)) - 1)
    valid = {i for i in found if 0 <= i < count}
    return valid.pop() if len(valid) == 1 else None


def names_a_choice(text: str, entities: Sequence[Entity]) -> bool:
    """Whether the message points at one order (a position, a number, a date), listed or not.

    >>> names_a_choice("the third one", ()), names_a_choice("la dernière", ()), names_a_choice("I want a refund", ())
    (True, True, False)
    >>> names_a_choice("I was charged two times, I want a refund", ()), names_a_choice("la 2", ())
    (False, True)
    """
    folded = _fold(text)
    words = _WORD.findall(folded)
    return (
        bool(_ordinal_positions(words))
        or any(w in _LAST for w in words)
        or _POSITION_NUMBER.match(folded) is not None
        or any(e.entity in ("order_id", "order_date") for e in entities)
    )


_MIN_ITEM_WORD = 3
# Words of "the one with the notebook" that name no item.
_CHOICE_FILLERS = frozenset(
    {"order", "orders", "commande", "commandes", "celle", "celui", "avec", "that", "this", "with", "please",
     "dans", "which", "laquelle", "lequel", "there", "where", "contains", "contient", "the", "thing", "truc",
     "one", "ones", "and", "les", "des", "une", "pas", "non", "yes", "oui", "for", "pour", "not", "was", "qui",
     "item", "article", "svp", "est", "it's", "its", "mine", "mon", "mes"}
)  # fmt: skip


def _item_score(name: str, folded: str, words: Sequence[str]) -> float:
    """How well the message names the item: the whole name in the text, or one of its words.

    >>> _item_score("carnet de notes", "celle avec le carnet", ["carnet"]) >= 80
    True
    """
    whole = fuzz.partial_ratio(name, folded)
    name_words = [w for w in _WORD.findall(name) if len(w) >= _MIN_ITEM_WORD]
    best_word = max((fuzz.ratio(w, n) for w in words for n in name_words), default=0.0)
    return max(whole, best_word)


def _placed_in_named_month(text: str, candidates: Sequence[Order]) -> Order | None:
    """The one candidate placed in the month the message names ("celle de mars", "the March one")."""
    # Whole month names only ("mar", "jan" are too often something else); "mai" is one, English "may" a verb.
    months = {MONTHS[w] for w in _WORD.findall(_fold(text)) if (len(w) >= 4 or w == "mai") and w in MONTHS}
    if len(months) != 1:
        return None
    month = months.pop()
    matching = [o for o in candidates if o.created_at and o.created_at.month == month]
    return matching[0] if len(matching) == 1 else None


def choose_order(
    text: str, entities: Sequence[Entity], candidates: Sequence[Order], threshold: int = 80
) -> Order | None:
    """The one candidate the message designates, or ``None`` when it designates none or several."""
    by_id = {o.order_id: o for o in candidates}
    ids = [e.value for e in entities if e.entity == "order_id" and e.value in by_id]
    if len(set(ids)) == 1:
        return by_id[ids[0]]
    dates = {e.value for e in entities if e.entity == "order_date"}
    if dates:
        dated = [o for o in candidates if o.created_at and o.created_at.date().isoformat() in dates]
        if len(dated) == 1:
            return dated[0]
    position = position_in(text, len(candidates))
    if position is not None:
        return candidates[position]
    in_month = _placed_in_named_month(text, candidates)
    if in_month is not None:
        return in_month
    folded = _fold(text)
    words = [w for w in _WORD.findall(folded) if len(w) >= _MIN_ITEM_WORD and w not in _CHOICE_FILLERS]
    scores = [
        max((_item_score(_fold(item.name), folded, words) for item in o.items), default=0.0)
        for o in candidates
    ]
    best = max(scores, default=0.0)
    if best >= threshold and scores.count(best) == 1:
        return candidates[scores.index(best)]
    return None
