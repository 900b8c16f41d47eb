"""The cost side of the benchmark: default model training time, size on disk, parse latency and memory.

Latency is measured in this process over a few thousand varied messages after a warm-up, in several rounds;
the table shows the median of the rounds' percentiles. The baseline's ``predict`` on one message is timed in
the same process, so that the ratio says something even on a busy machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sklearn.pipeline import Pipeline

from bench import datasets as ds
from bench.scoring import baseline_pipeline, percentile
from bench.sections import Row, say
from nlu.config import NLUConfig
from nlu.engine import NLUEngine
from nlu.model_io import save_model
from nlu.training_data import load_training_data
from nlu.types import TrainingData

TRAINING_DATA = ds.REPO / "training_data"

# Peak RSS from /proc's VmHWM: ``ru_maxrss`` survives exec on Linux, so it would report the benchmark's own
# (forked) peak rather than the parse process's.
_RSS_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    from nlu.model_io import load_model
    engine = load_model(sys.argv[1])
    for text in json.loads(sys.argv[2]):
        engine.parse(text)
    try:
        with open("/proc/self/status") as status:
            print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
    except OSError:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def train_default(config: NLUConfig) -> tuple[NLUEngine, TrainingData, float]:
    """The default model trained from ``training_data/``, and the seconds it took."""
    data = load_training_data([TRAINING_DATA])
    say("default", f"training the default model on {len(data.examples)} examples")
    start = time.perf_counter()
    engine = NLUEngine.train(data, config)
    return engine, data, time.perf_counter() - start


def baseline_default(data: TrainingData) -> Pipeline:
    return baseline_pipeline().fit([e.text for e in data.examples], [e.intent for e in data.examples])


def messages(data: Path, count: int) -> list[str]:
    """``count`` varied messages: Bitext and CLINC150 validation sentences, interleaved."""
    bitext = [e.text for e in ds.bitext(data, "dev") + ds.bitext(data, "train")]
    clinc = [e.text for e in ds.clinc150(data)["val"]]
    mixed = [t for pair in zip(bitext, clinc, strict=False) for t in pair]
    return mixed[:count]


def time_calls(call: Callable[[str], object], texts: Sequence[str], rounds: int = 3) -> tuple[float, float]:
    """Median over ``rounds`` of the p50 and p99 latency of ``call`` on each text, in milliseconds."""
    for text in texts[: max(200, len(texts) // 10)]:
        call(text)  # warm-up: caches, lazy imports, branch predictors
    p50s, p99s = [], []
    for _ in range(rounds):
        elapsed = []
        for text in texts:
            start = time.perf_counter_ns()
            call(text)
            elapsed.append((time.perf_counter_ns() - start) / 1e6)
        p50s.append(percentile(elapsed, 50))
        p99s.append(percentile(elapsed, 99))
    return statistics.median(p50s), statistics.median(p99s)


def parse_rss_mb(model_dir: Path, texts: Sequence[str]) -> float:
    """Peak RSS, in MB, of a fresh process that loads the model and parses ``texts``."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, str(model_dir), json.dumps(list(texts))],
        capture_output=True,
        text=True,
        check=True,
        cwd=ds.REPO,
    )
    return int(result.stdout.strip().splitlines()[-1]) / 1024


def runtime(
    data: Path,
    config: NLUConfig,
    quick: bool,
    engine_bundle: tuple[NLUEngine, TrainingData, float],
    notes: list[str],
    dense: str = "",
) -> list[Row]:
    engine, training, train_s = engine_bundle
    baseline = baseline_default(training)
    texts = messages(data, 500 if quick else 3000)
    say("latency", f"timing engine.parse on {len(texts)} messages, 3 rounds")
    p50, p99 = time_calls(engine.parse, texts)
    say("latency", f"wismo p50 {p50:.3f} ms p99 {p99:.3f} ms; timing the baseline")
    base50, base99 = time_calls(lambda text: baseline.predict([text]), texts)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = save_model(engine, Path(tmp) / "model", training)
        size_mb = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 2**20
        say("latency", "measuring the RSS of a parse-only process")
        rss = parse_rss_mb(model_dir, texts[:200])
    notes.append(
        f"Latency: wismo parse p50 is {base50 / p50:.1f}x faster than the baseline's predict "
        f"(p99 {base99 / p99:.1f}x); parse includes language, intent and every entity extractor."
    )
    name = "Default model"
    return [
        Row(
            name,
            f"training time ({len(training.examples)} examples)",
            train_s,
            None,
            10.0,
            higher=False,
            unit="s",
        ),
        Row(name, "parse latency p50", p50, base50, 0.5, higher=False, unit="ms"),
        Row(name, "parse latency p99", p99, base99, 2.0, higher=False, unit="ms"),
        Row(name, "model directory size", size_mb, None, 20.0, higher=False, unit="MB"),
        Row(name, "parse-only process peak RSS", rss, None, 250.0, higher=False, unit="MB"),
        *(dense_runtime(config, training, texts[:500], dense) if dense else []),
    ]


def dense_runtime(config: NLUConfig, training: TrainingData, texts: Sequence[str], dense: str) -> list[Row]:
    """What dense features cost the default model: training time and parse latency (no embedding memo)."""
    from bench.sections import with_dense

    say("latency", f"training the default model with dense features ({dense})")
    start = time.perf_counter()
    engine = NLUEngine.train(training, with_dense(config, dense, cache_size=0))
    train_s = time.perf_counter() - start
    say("latency", f"timing engine.parse with dense features on {len(texts)} messages")
    p50, p99 = time_calls(engine.parse, texts)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = save_model(engine, Path(tmp) / "model", training)
        say("latency", "measuring the RSS of a parse-only process with dense features")
        rss = parse_rss_mb(model_dir, texts[:200])
    name = f"Default model, dense {dense}"
    return [
        Row(name, f"training time ({len(training.examples)} examples)", train_s, None, unit="s"),
        Row(name, "parse latency p50", p50, None, unit="ms"),
        Row(name, "parse latency p99", p99, None, unit="ms"),
        Row(name, "parse-only process peak RSS (PyTorch and the encoder loaded)", rss, None, unit="MB"),
    ]
