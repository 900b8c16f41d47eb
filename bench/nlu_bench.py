"""wismo's NLU benchmark: public data sets, side by side with a plain scikit-learn baseline.

Usage::

    .venv/bin/python bench/nlu_bench.py [--quick] [--only clinc,banking,bitext,default,latency] [--dense auto]

Reads ``<repo>/../shared/data`` (or ``$WISMO_SHARED_DIR``), prints progress and a markdown table, and, for a
full run, writes ``bench/results/nlu.md`` and ``bench/results/nlu.html`` (a run with ``--only`` or ``--quick`` prints only).
See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import datasets as ds
from bench import runtime, sections
from bench.sections import Row
from nlu import html_report as h
from nlu.config import NLUConfig, load_config_file

SECTIONS = ("clinc", "banking", "bitext", "default", "latency")
RESULTS = ds.REPO / "bench" / "results"


def fmt(value: float | None, unit: str) -> str:
    """A cell of the table.

    >>> fmt(0.93271, "%"), fmt(1.23456, "ms"), fmt(None, "s")
    ('93.27%', '1.235 ms', '-')
    """
    if value is None:
        return "-"
    if unit == "%":
        return f"{value:.2%}"
    return f"{value:.3f} {unit}" if unit == "ms" else f"{value:.1f} {unit}"


def target_text(row: Row) -> str:
    if row.target is None:
        return ""
    return f"{'>=' if row.higher else '<='} {fmt(row.target, row.unit)}"


def markdown_table(rows: list[Row]) -> str:
    lines = ["| benchmark | metric | wismo | baseline | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        lines.append(
            f"| {r.section} | {r.metric} | {fmt(r.wismo, r.unit)} | {fmt(r.baseline, r.unit)} | "
            f"{target_text(r)} | {met} |"
        )
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load[0]:.2f} at the end (the CPUs are shared)"
    )


def chart_label(row: Row, who: str) -> str:
    """A bar's label, short enough for the chart's margin.

    >>> chart_label(Row("CLINC150 val, dense minilm", "in-scope accuracy @ the threshold giving 60% OOS recall", 0.9), "wismo")
    'CLINC150 dense in-scope@60%OOS wismo'
    >>> chart_label(Row("Default model", "parse latency p99", 0.3, unit="ms"), "baseline")
    'Default p99 baseline'
    """
    dense = " dense" if "dense" in row.section + row.metric else ""
    if "60% OOS" in row.metric:
        metric = "in-scope@60%OOS"
    elif "no threshold" in row.metric:
        metric = "in-scope raw"
    elif "threshold" in row.metric:
        metric = ("in-scope@" if "in-scope" in row.metric else "accuracy@") + row.metric.rsplit(" ", 1)[-1]
    elif row.unit == "ms":
        metric = row.metric[-3:]
    else:
        metric = "accuracy"
    return f"{row.section.split()[0].rstrip(',')}{dense} {metric} {who}"


def write_results(rows: list[Row], notes: list[str], header: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    body = [header, "", markdown_table(rows), "", "## Notes", ""] + [f"- {n}" for n in notes]
    (RESULTS / "nlu.md").write_text("\n".join(body) + "\n", encoding="utf-8")
    accuracy = [r for r in rows if r.unit == "%" and "accuracy" in r.metric and "mapped" not in r.metric]
    latency = [r for r in rows if r.unit == "ms"]
    html = [
        f"<p>{h.esc(header.split(chr(10), 2)[-1])}</p>",  # the markdown title is the page title
        h.section(
            "Results",
            h.table(
                ["benchmark", "metric", "wismo", "baseline", "target", "met"],
                [
                    [
                        r.section,
                        r.metric,
                        fmt(r.wismo, r.unit),
                        fmt(r.baseline, r.unit),
                        target_text(r),
                        {True: "yes", False: "no", None: ""}[r.met],
                    ]
                    for r in rows
                ],
            ),
        ),
        h.section(
            "Accuracy, wismo vs baseline (%)",
            h.bar_chart(
                [
                    (chart_label(r, who), 100 * v)
                    for r in accuracy
                    for who, v in (("wismo", r.wismo), ("baseline", r.baseline))
                    if v is not None
                ],
                value_format="{:.2f}",
                label_width=280,
            ),
        ),
        h.section(
            "Parse latency (ms, one message)",
            h.bar_chart(
                [
                    (chart_label(r, who), v)
                    for r in latency
                    for who, v in (("wismo", r.wismo), ("baseline", r.baseline))
                    if v is not None
                ],
                value_format="{:.3f}",
                label_width=280,
            ),
        ),
        h.section("Notes", "<ul>" + "".join(f"<li>{h.esc(n)}</li>" for n in notes) + "</ul>"),
    ]
    (RESULTS / "nlu.html").write_text(h.page("wismo NLU benchmark", html), encoding="utf-8")


def dense_encoder(choice: str) -> str:
    """The ``nlu.dense.encoder`` that ``--dense`` asks for; ``""`` for none."""
    if choice == "none":
        return ""
    if choice != "auto":
        return choice
    from nlu.dense import packaged_available

    return "minilm" if packaged_available() else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="30%% of the training sets, fewer folds and messages"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}"
    )
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument(
        "--dense",
        default="auto",
        help="also measure dense sentence features with this nlu.dense.encoder; 'auto' (default): minilm "
        "when the dense extra is installed; 'none': sparse only",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {sorted(unknown)}; choose from {','.join(SECTIONS)}")
    data = ds.shared_data_dir()
    config = NLUConfig.from_dict(load_config_file(ds.REPO / "wismo.yml").get("nlu"))
    rows: list[Row] = []
    notes = [
        f"Bitext -> wismo intent mapping for the default model: {ds.BITEXT_TO_WISMO}; others -> out_of_scope."
    ]
    dense = dense_encoder(args.dense)
    notes.append(
        f"Dense sentence features (`nlu.dense.encoder: {dense}`) measured next to the default sparse model."
        if dense
        else "Dense sentence features not measured: `pip install 'wismo[dense]'` (or `--dense none` was given)."
    )
    started = time.perf_counter()
    if "clinc" in chosen:
        rows += sections.clinc(data, config, args.quick, notes, dense)
    if "banking" in chosen:
        rows += sections.banking(data, config, args.quick, notes, dense)
    if "bitext" in chosen:
        rows += sections.bitext(data, config, args.quick, notes)
    if "default" in chosen or "latency" in chosen:
        bundle = runtime.train_default(config)
        if "default" in chosen:
            baseline = runtime.baseline_default(bundle[1])
            rows += sections.default_model(bundle[0], baseline, data, config, notes)
        if "latency" in chosen:
            rows += runtime.runtime(data, config, args.quick, bundle, notes, dense)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"# wismo NLU benchmark{' (quick)' if args.quick else ''}\n\n{stamp}; {machine()}; "
        f"total {time.perf_counter() - started:.0f} s."
    )
    print("\n" + header + "\n\n" + markdown_table(rows) + "\n\n" + "\n".join(f"- {n}" for n in notes))
    if not args.quick and not args.no_write and set(chosen) == set(SECTIONS):
        write_results(rows, notes, header)
        print(f"\nwrote {RESULTS / 'nlu.md'} and {RESULTS / 'nlu.html'}")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
