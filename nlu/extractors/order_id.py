"""Order numbers in the formats a shop uses, told apart from prices, dates, phones, quantities and postcodes.

A match that holds a letter, ``#`` or ``-`` (``ORD-12345``, ``#1001``, ``112-1234567-1234567``) names itself.
A bare run of digits is an order number only

- right after a context word, possibly through filler (``order number is 1001``, ``commande n° 1001``,
  ``« 1001 »``), or right before one (``1001 is my order``); or
- right after "where is" / "où est" (``where is 1001``, ``où en est la 1001``), for 4 digits or more; or
- right after a parcel noun (``my package 1001``, ``colis n° 1001``), for 4 to 10 digits; or
- right after another order number of the same list (``commande 7781 avec la 7782``); or
- when the message is basically just that number (``1001``, ``it's 1001``, ``je crois que c'est 1001``,
  ``1002, jane@example.com``), as in a reply to "what is your order number?".

Bare numbers that are inside a price, date, time, quantity or postcode are never taken, and a bare year
(1900-2099) needs the context word immediately before it. :func:`offered_order_number` relaxes the
whole-message rule for an answer to "what is your order number?" ("try 9998"), with the same traps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from rapidfuzz.distance import Indel

from nlu.email_address import PLAIN_EMAIL
from nlu.extractors.base import DIGIT, ascii_digits, make_entity, strip_token, words_after, words_before
from nlu.extractors.config import DEFAULT_ORDER_CONTEXT_WORDS, DEFAULT_ORDER_ID_PATTERNS
from nlu.types import Entity

ORDER_ID = "order_id"

_UNITS = (
    r"x|items?|pairs?|pieces?|pcs|units?|articles?|paires?|pièces?|pieces|produits?|colis|packages?|parcels?|"
    r"boxe?s?|bo[iî]tes?|kg|g|grammes?|grams?|cm|mm|m|km|ml|l|days?|jours?|weeks?|semaines?|months?|mois|"
    r"years?|ans?|ann[ée]es?|hours?|heures?|h|minutes?|mins?|fois|times|%"
)
# A bare number is a trap when what touches it makes it a price, date, time, quantity or postcode. Both
# patterns are anchored at the number, so checking one costs a couple of microseconds however long the text.
_TRAP_BEFORE = re.compile(
    r"(?:[€$£]\s?|\bx\s?|\d[/.,:-]|(?:post\s?code|zip(?:\s?code)?|postal|\bcp)\W{1,3})$", re.I
)
_TRAP_AFTER = re.compile(
    rf"[.,:/-]\d|h\d{{0,2}}\b|\s?(?:am|pm)\b|\s?(?:€|\$|£|(?:eur|euros?|usd|dollars?|gbp|pounds?|balles)\b)"
    rf"|\s?(?:{_UNITS})(?=\W|$)",
    re.I,
)
# "where is 1001", "où est la 1001", "où en est 1001": the question itself announces the number.
_WHERE_IS = re.compile(
    r"(?:\bwhere\s*(?:is|['’]?s)|\bo[uù]\s+(?:en\s+)?est)\s+(?:(?:my|the|la|ma)\s+)?#?$", re.IGNORECASE
)
# "my package 1001", "le colis n° 1001": a parcel noun announces a short number (tracking numbers are longer).
_PARCEL_BEFORE = re.compile(
    r"\b(?:package|parcel|shipment|delivery|colis|paquet|envoi|livraison)\s*(?:n°|nº|no\.?|#|number|num[ée]ro)?"
    r"\s*#?$",
    re.IGNORECASE,
)
_PARCEL_NUMBER_DIGITS = range(4, 11)


def _asked_about(text: str, start: int, digits: int) -> bool:
    """Whether the question before a number ("where is", "où en est") or a parcel noun announces it."""
    return (digits >= 4 and _WHERE_IS.search(text, max(0, start - 20), start) is not None) or (
        digits in _PARCEL_NUMBER_DIGITS and _PARCEL_BEFORE.search(text, max(0, start - 30), start) is not None
    )


_CITY_AFTER = re.compile(r"\s+[A-ZÀ-Ý][a-zà-ÿ]{2,}")  # 75011 Paris
_YEAR = re.compile(r"(?:19|20)\d{2}")
_SELF_NAMING = re.compile(r"[A-Za-z#-]")
_FILLERS = frozenset(
    {
        "", "number", "numbers", "num", "nr", "is", "was", "id", "my", "the", "your", "our", "it's", "its",
        "mon", "ma", "votre", "notre", "ta", "de", "du", "la", "le", "est", "c'est", "c’est", "était", "etait",
        "reads", "says", "of", "=", "-", "–", "avec", "with", "sous", "under", "no", "for", "pour", "status",
        "statut",
    }
)  # fmt: skip
_WHOLE_MESSAGE_WORDS = _FILLERS | {
    "it", "it’s", "s", "c", "voici", "voilà", "voila", "here", "sure", "yes", "yeah", "oui", "ok", "okay",
    "order", "commande", "numéro", "numero", "this", "ceci", "please", "svp", "merci", "thanks", "hi", "bonjour",
    "i", "think", "guess", "should", "be", "or", "something", "oops", "typo", "sorry", "oh", "um", "je", "crois",
    "pense", "que", "pardon", "euh", "one", "about", "asking", "m", "i'm", "normalement", "plutôt", "plutot",
    "alors", "ça", "ca", "doit", "être", "etre", "un", "truc", "comme", "oups", "faute", "frappe", "celle",
    "dont", "parle", "bien", "sûr", "sur", "well", "meant", "mean", "actually", "désolé", "désolée", "desole",
    "en", "fait", "non", "not", "pas", "mais", "but", "instead", "of", "au", "lieu", "wrong", "mistake",
    "erreur", "trompé", "trompée", "trompe", "me", "suis", "j'ai", "mis", "typed", "wrote", "écrit",
    "wait", "email", "e", "mail", "courriel", "adresse", "address", "and", "et", "attendez", "attends", "ah",
    "hmm", "hm",
}  # fmt: skip
# Between the right and the wrong number of a correction: "1002 not 1001", "la 1006, pas la 1005".
_CORRECTION_GAP = re.compile(
    r"\s*,?\s*(?:and\s+|et\s+)?(?:not|pas|non|instead\s+of|au\s+lieu\s+de|rather\s+than|plut[ôo]t\s+que)"
    r"\s*(?:the|la|le|#|n°)?\s*",
    re.IGNORECASE,
)
# Between two order numbers of one list: "commande 7781 avec la 7782", "orders 1001 and #1002".
_LIST_GAP = re.compile(
    r"\s*(?:,|&|\+|/|and|et|or|ou|avec|with|puis|then)?\s*(?:the|la|le|#|n°)?\s*", re.IGNORECASE
)
# Nouns that announce an order number even when misspelt ("oredr", "purhase") or glued ("theorder", "order7322").
_ORDER_NOUNS = ("order", "purchase", "commande")
_GLUE_PREFIXES = frozenset(
    {"", "the", "is", "of", "my", "a", "an", "for", "la", "ma", "de", "ta", "mon", "votre"}
)
_NUMBER_MARKERS = frozenset(
    {"n°", "nº", "n", "no", "no.", "#", "numéro", "numero", "num", "number", "nr", "ref"}
)
_LOOKALIKE_WORDS = frozenset(
    {"older", "odder", "ordre", "orner", "reorder", "purchaser"}
)  # real words near a noun
_GLUED_NUMBER = re.compile(r"(?:order|purchase|commande)(?=\d)", re.IGNORECASE)
# A number right after one of these is an invoice, account or other reference, not an order number.
_NOT_ORDER_WORDS = frozenset(
    {
        "bill", "bills", "invoice", "invoices", "receipt", "facture", "factures", "reçu", "recu", "ticket",
        "case", "account", "compte", "customer", "client", "membership", "card", "carte", "iban", "coupon",
        "voucher", "promo", "gift", "phone", "tel", "tél", "téléphone", "telephone", "siret", "tva", "vat",
    }
)  # fmt: skip
_WORD_CHARS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _inside_trap(text: str, start: int, end: int) -> bool:
    """Whether the number ``text[start:end]`` is part of a price, date, time, quantity or postcode.

    >>> _inside_trap("paid 1500 €", 5, 9), _inside_trap("on 2024-03-12", 3, 7), _inside_trap("order 1500", 6, 10)
    (True, True, False)
    """
    if _TRAP_BEFORE.search(text, max(0, start - 14), start) or _TRAP_AFTER.match(text, end):
        return True
    return end - start == 5 and _CITY_AFTER.match(text, end) is not None


class RegexOrderIdExtractor:
    """Finds order numbers; value without ``#`` or spaces, letters in upper case.

    Args:
        patterns: Shop formats as regexes (compiled case-insensitively).
        context_words: Per language, words that announce an order number; all languages apply.

    >>> [e.value for e in RegexOrderIdExtractor().extract("Where is my order #1001? It cost 99.90 €")]
    ['1001']
    >>> [e.value for e in RegexOrderIdExtractor().extract("commande n°ord-12345 livrée à 75011 Paris")]
    ['ORD-12345']
    """

    name = "regex_order_id"

    def __init__(
        self,
        patterns: Iterable[str] = DEFAULT_ORDER_ID_PATTERNS,
        context_words: Mapping[str, Iterable[str]] = DEFAULT_ORDER_CONTEXT_WORDS,
    ) -> None:
        self._patterns = tuple(re.compile(p, re.IGNORECASE) for p in patterns)
        self._context = frozenset(w.lower() for words in context_words.values() for w in words)

    def extract(
        self, text: str, *, language: str = "en", reference_time: datetime | None = None
    ) -> list[Entity]:
        """Order numbers in ``text`` (see the module docstring for the rules)."""
        if DIGIT.search(text) is None:
            return []
        candidates = self._candidates(text)
        whole = self._is_whole_message(text, candidates)
        entities: list[Entity] = []
        for start, end in candidates:
            glued = _GLUED_NUMBER.match(text, start, end)
            if glued:  # "order7322..." : the noun is context, not part of the number
                start = glued.end()
            raw = text[start:end]
            if self._announced_as_other(text, start):
                continue
            if glued:
                pass
            elif not _SELF_NAMING.search(raw):
                if _inside_trap(text, start, end):
                    continue
                year = bool(_YEAR.fullmatch(raw))
                in_list = bool(entities) and _LIST_GAP.fullmatch(text, entities[-1].end, start) is not None
                announced = (
                    (in_list and not year)
                    or self._has_context(text, start, end, strict=year)
                    or (not year and _asked_about(text, start, len(raw)))
                )
                if not announced and not (whole and len(raw) >= 4):
                    continue
            value = ascii_digits(re.sub(r"[#\s]", "", raw).upper())
            entities.append(make_entity(text, start, end, ORDER_ID, value, self.name))
        return entities

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping matches of every pattern, earliest and then longest first."""
        spans = sorted(
            {m.span() for p in self._patterns for m in p.finditer(text) if m.end() > m.start()},
            key=lambda s: (s[0], s[0] - s[1]),
        )
        kept: list[tuple[int, int]] = []
        for span in spans:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def _has_context(self, text: str, start: int, end: int, *, strict: bool) -> bool:
        before = words_before(text, start)
        for distance, token in enumerate(reversed(before)):
            if self._is_context(token):
                return distance == 0 or not strict
            if strip_token(token) not in _FILLERS or distance >= 3:
                break
        if strict:
            return False
        for distance, token in enumerate(words_after(text, end)):
            word = strip_token(token)
            if word in self._context:
                return True
            if word not in _FILLERS or distance >= 3:
                break
        return False

    def _is_context(self, token: str) -> bool:
        """Whether a token announces an order number, also glued to a marker (``n°commande``) or misspelt."""
        parts = (token, strip_token(token), *map(strip_token, token.split("°")))
        return any(part in self._context for part in parts) or _is_order_noun(strip_token(token))

    @staticmethod
    def _announced_as_other(text: str, start: int) -> bool:
        """Whether the nearest word before the number makes it an invoice, account or card number."""
        for token in reversed(words_before(text, start, limit=3)):
            word = strip_token(token)
            if word in _NOT_ORDER_WORDS:
                return True
            if word not in _FILLERS and word not in _NUMBER_MARKERS:
                return False
        return False

    @staticmethod
    def _is_whole_message(text: str, candidates: list[tuple[int, int]]) -> bool:
        """Whether the message is just one number, or a correction of one number by another, with fillers."""
        if len(candidates) == 2 and _CORRECTION_GAP.fullmatch(text, candidates[0][1], candidates[1][0]):
            (start, _), (_, end) = candidates
            if not all(text[a:b].isdigit() for a, b in candidates):
                return False
        elif len(candidates) == 1:
            start, end = candidates[0]
            if not text[start:end].isdigit():
                return False
        else:
            return False
        # an email beside the number ("1002, jane@example.com") leaves it the whole message
        rest = PLAIN_EMAIL.sub(" ", text[:start] + " " + text[end:]).lower()
        if DIGIT.search(rest):
            return False
        words = _WORD_CHARS.findall(rest)
        return len(words) <= 7 and all(w in _WHOLE_MESSAGE_WORDS for w in words)


def _is_order_noun(word: str) -> bool:
    """A misspelt or glued order noun: one or two edits away, or after a short glued word.

    >>> words = ("oredr", "purhase", "theorder", "cancelingpurchase", "older", "border", "reorder", "red")
    >>> [_is_order_noun(w) for w in words]
    [True, True, True, True, False, False, False, False]
    """
    if len(word) < 4 or not word.isalpha() or word in _LOOKALIKE_WORDS:
        return False
    for noun in _ORDER_NOUNS:
        prefix = word[: -len(noun)]
        if word.endswith(noun) and (prefix in _GLUE_PREFIXES or len(prefix) >= 5):
            return True
        if abs(len(word) - len(noun)) <= 2 and Indel.distance(word, noun) <= 2 and word[0] in (noun[0], "r"):
            return True
    return False


# An answer to "what is your order number?" ("try 9998", "ok maybe 1001 then"): one run of 4 to 20 digits, maybe
# after "#", in a short message with no other digit, and no word that makes it a price, phone, postcode,
# reference, quantity, time or year.
_LONE_NUMBER = re.compile(r"(?<![\w.,:/€$£+-])#?([0-9]{4,20})(?![\w€$£%]|[.,:/-]\d)")
_DIGIT_RUN = re.compile(r"\d+")
_MAX_WORDS_BESIDE_ANSWER = 6
_NOT_AN_ANSWER_WORDS = _NOT_ORDER_WORDS | frozenset(
    {
        "paid", "pay", "payé", "payée", "price", "prix", "cost", "costs", "coûte", "coute", "total", "eur", "euro",
        "euros", "dollar", "dollars", "usd", "gbp", "pound", "pounds", "balles", "mobile", "portable", "call",
        "appelez", "postcode", "zip", "postal", "cp", "tracking", "suivi", "items", "articles", "times", "fois",
        "minutes", "hours", "heures", "days", "jours", "weeks", "semaines", "km", "kg", "street", "rue", "avenue",
        "since", "depuis", "year", "année", "code",
    }
)  # fmt: skip


def offered_order_number(text: str) -> Entity | None:
    """The lone number of a short answer to "what is your order number?", which :class:`RegexOrderIdExtractor`
    leaves alone without a context word ("try 9998"). Only the dialogue knows the question was asked.

    >>> offered_order_number("try 9998").value
    '9998'
    >>> [offered_order_number(t) for t in ("I paid 1500", "in 2024", "45 €", "1500 g", "5 and 7")]
    [None, None, None, None, None]
    """
    match = _LONE_NUMBER.search(text)
    if match is None or len(_DIGIT_RUN.findall(text)) != 1:
        return None
    start, end = match.span(1)
    if _inside_trap(text, start, end):
        return None
    words = [
        strip_token(w.lower()) for w in _WORD_CHARS.findall(f"{text[: match.start()]} {text[match.end() :]}")
    ]
    if len(words) > _MAX_WORDS_BESIDE_ANSWER or not _NOT_AN_ANSWER_WORDS.isdisjoint(words):
        return None
    if words and _YEAR.fullmatch(match.group(1)):
        return None  # "since 2024", "en 2023": a year unless it is the whole answer
    return make_entity(text, start, end, ORDER_ID, ascii_digits(match.group(1)), "offered_order_id")
