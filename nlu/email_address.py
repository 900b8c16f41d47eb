"""Email addresses as customers write them: plain (``jane@example.com``) or spelt out (``jane at example dot
com``, ``jean point dupont arobase exemple point fr``, ``jane(at)example.com``, ``jane [at] example [dot] co
[dot] uk``).

One grammar for the email extractor; its plain-address pattern (``PLAIN_EMAIL``) also keeps addresses out of
the language identification's chat-word check and the order-number traps. (The classifier's normalisation in
``nlu.text`` still replaces only plain addresses, with its own looser pattern: a spelt-out address reaches the
intent features as words, as the models were trained.) This module imports nothing of the NLU.

Spelt-out addresses must end in a known top-level domain, so that prose such as "look at this dot matrix"
is left alone.
"""

from __future__ import annotations

import re

_LOCAL = r"[\w%+-]+(?:\.[\w%+-]+)*"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
PLAIN_EMAIL = re.compile(rf"(?<![\w.%+-]){_LOCAL}@(?:{_LABEL}\.)+[^\W\d_]{{2,24}}(?![\w-])")

_AT = r"(?:\s*[(\[{<]\s*(?:at|arobase|@)\s*[)\]}>]\s*|\s+(?:at|arobase)\s+|\s*@\s*)"
_SPELT_DOT = r"\s*[(\[{<]\s*(?:dot|point|\.)\s*[)\]}>]\s*|\s+(?:dot|point)\s+"
_DOT = rf"(?:{_SPELT_DOT}|\.)"
_TLDS = (
    "com|fr|net|org|io|co|uk|de|be|ch|ca|eu|info|biz|us|es|it|nl|lu|me|app|dev|shop|email|mail|online|"
    "re|mq|gp|nc|pf|ma|tn|dz|sn|ci|au|nz|ie|pt|pl|se|no|dk|fi|at|edu|gov"
)
# The domain is greedy, so "example dot co dot uk" keeps every label and ends on the last known TLD. Spelt dots
# are bounded (3 in the local part, 8 in the domain): unbounded, "a dot a dot ..." costs quadratic time.
SPELT_EMAIL = re.compile(
    rf"(?<![\w.%+-])({_LOCAL}(?:(?:{_SPELT_DOT}){_LOCAL}){{0,3}}){_AT}"
    rf"({_LABEL}(?:{_DOT}{_LABEL}){{0,8}}){_DOT}({_TLDS})(?![\w-])",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
_SPELT_HINT = re.compile(r"\b(?:at|arobase)\b|@", re.IGNORECASE)


def find_email_addresses(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, address)`` of every email address in ``text``, sorted by start; addresses in lower case.

    >>> find_email_addresses("Mail: Jane.Doe@Example.COM.")
    [(6, 26, 'jane.doe@example.com')]
    >>> [a for _, _, a in find_email_addresses("c'est jean point dupont arobase exemple point fr")]
    ['jean.dupont@exemple.fr']
    >>> [a for _, _, a in find_email_addresses("jane at example dot co dot uk")]
    ['jane@example.co.uk']
    >>> find_email_addresses("look at this dot matrix")
    []
    """
    if not _SPELT_HINT.search(text):
        return []
    plain = [(m.start(), m.end(), m.group(0).lower()) for m in PLAIN_EMAIL.finditer(text)]
    found = list(plain)
    i = 0
    for m in SPELT_EMAIL.finditer(text):
        while i < len(plain) and plain[i][1] <= m.start():
            i += 1
        if i < len(plain) and plain[i][0] < m.end():
            continue  # part of a plain address already found
        local = ".".join(_DOT_SPLIT.split(m.group(1)))
        domain = ".".join(_DOT_SPLIT.split(m.group(2)))
        address = f"{local}@{domain}.{m.group(3)}".lower()
        if PLAIN_EMAIL.fullmatch(address):
            found.append((m.start(), m.end(), address))
    return sorted(found)
