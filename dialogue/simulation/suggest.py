"""``wismo suggest``: cluster what the bot did not understand in a simulation, as training examples to review.

The low-confidence and out-of-scope customer messages of ``results.jsonl`` (already masked) are grouped per
language with TF-IDF over character n-grams and k-means (``random_state`` pinned, so the output is stable), and
each cluster is printed as a Rasa-style YAML block under the nearest existing intent, for a trainer to check
and paste into ``training_data/<lang>/nlu/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from dialogue.simulation.results import TicketResult
from nlu.types import OUT_OF_SCOPE

RANDOM_STATE = 0


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of similar misunderstood messages.

    Attributes:
        language: The messages' language.
        size: How many distinct messages the cluster holds.
        hint: The nearest existing intent (most common runner-up among its messages).
        hint_votes: How many messages ranked ``hint`` first.
        examples: The ``per_cluster`` messages closest to the cluster's centre.
    """

    language: str
    size: int
    hint: str
    hint_votes: int
    examples: tuple[str, ...]


def misunderstood(
    results: Sequence[TicketResult], low_confidence: float = 0.5
) -> dict[str, list[tuple[str, str]]]:
    """Distinct ``(message, nearest intent)`` per language for out-of-scope or low-confidence turns, sorted."""
    found: dict[str, dict[str, str]] = {}
    for result in results:
        for turn in result.turns:
            if turn.intent == OUT_OF_SCOPE or turn.confidence < low_confidence:
                found.setdefault(turn.language, {}).setdefault(turn.text.strip(), turn.nearest_intent)
    return {lang: sorted(items.items()) for lang, items in sorted(found.items())}


def cluster_messages(
    messages: Sequence[tuple[str, str]], language: str, clusters: int = 8, per_cluster: int = 5
) -> list[Cluster]:
    """Group ``(message, nearest intent)`` pairs; the biggest cluster first."""
    if not messages:
        return []
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import pairwise_distances_argmin_min

    texts = [m for m, _ in messages]
    k = max(1, min(clusters, len(texts)))
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
    model = KMeans(n_clusters=k, n_init=10, random_state=RANDOM_STATE).fit(matrix)
    # Distance of every message to its own centre, to show the most typical ones first.
    _, distances = pairwise_distances_argmin_min(matrix, model.cluster_centers_)
    out = []
    for label in range(k):
        members = sorted(
            (i for i in range(len(texts)) if model.labels_[i] == label), key=lambda i: (distances[i], i)
        )
        if not members:
            continue
        votes = Counter(messages[i][1] for i in members if messages[i][1] != OUT_OF_SCOPE)
        hint, count = min(votes.items(), key=lambda kv: (-kv[1], kv[0])) if votes else (OUT_OF_SCOPE, 0)
        examples = tuple(texts[i] for i in members[:per_cluster])
        out.append(Cluster(language, len(members), hint, count, examples))
    return sorted(out, key=lambda c: (-c.size, c.examples))


def _quoted(text: str) -> str:
    """One example line, flattened (line breaks become spaces).

    >>> _quoted("where is\\nmy  order")
    'where is my order'
    """
    return " ".join(text.split())


def render_suggestions(clusters: Sequence[Cluster], source: str) -> str:
    """Rasa-style YAML a trainer can review and paste, one block per cluster."""
    total = sum(c.size for c in clusters)
    lines = [
        f"# wismo suggest: {len(clusters)} cluster(s) of {total} misunderstood message(s) from {source}",
        "# Check every example and its intent, then paste it under that intent in training_data/<lang>/nlu/.",
        "# Personal data is masked (#***01, j***@e***.com): replace it with realistic made-up values.",
        'version: "3.1"',
        "nlu:",
    ]
    for number, cluster in enumerate(clusters, start=1):
        lines.append(
            f"# cluster {number} [{cluster.language}]: {cluster.size} message(s); nearest intent "
            f"{cluster.hint} ({cluster.hint_votes} of {cluster.size})"
        )
        lines.append(f"- intent: {cluster.hint}")
        lines.append("  examples: |")
        lines += [f"    - {_quoted(example)}" for example in cluster.examples]
    return "\n".join(lines) + "\n"


def suggest(
    results: Sequence[TicketResult], source: str, *, clusters: int = 8, per_cluster: int = 5,
    low_confidence: float = 0.5,
) -> str:  # fmt: skip
    """Everything ``wismo suggest`` prints for a simulation's results."""
    found: list[Cluster] = []
    for language, messages in misunderstood(results, low_confidence).items():
        found += cluster_messages(messages, language, clusters, per_cluster)
    return render_suggestions(found, source)
