"""Shared text at scale (issue 20): ``dedup scan`` on a corpus of independent articles and on one
whose articles reuse pool sentences verbatim, beside the datasketch baseline, printed as a table.

The corpora come from ``../shared/bench`` (real English sentences from docs on this machine):

* *plain*: independent articles with 10% edited copies (``make_corpus.py N --mutate 0.3``);
* *stress*: the same, but articles draw whole sentences from the pool verbatim
  (``make_corpus.py N``): templates and shared boilerplate, so many pairs share a sentence;
* *pages* (``--pages DIR``, when given): a folder of real pages, e.g. news pages about a few events.

For each corpus and each code tree (``--code LABEL=DIR``, repeatable: the tree is put on the
child's ``PYTHONPATH``, so a checkout of an older commit gives the *before* in the same run):
``python -m dedup.cli scan CORPUS --format json -o OUT --no-progress`` as a child process, timed
whole (wall seconds; CPU seconds, user + system of it and the workers it waited for; peak RSS),
with the report's candidate pairs (and those compared whole, past the verbatim first look), its
confirm stage's seconds (wall, and CPU of the process and its workers) and those per candidate
pair, and its pairs and stories. Then the baseline
(``../shared/bench/datasketch_baseline.py``: MinHash per document, MinHashLSH at 0.8) on the same
file. Runs are back to back, ``--repeat`` times (medians); on a machine others load, compare CPU
seconds rather than wall.

Usage::

    python benchmarks/shared_text.py [--n 10000] [--work DIR] [--pages DIR] [--code LABEL=DIR ...]
        [--repeat K] [--only plain stress pages] [--timeout S]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deduplicate import corpus  # noqa: E402  (benchmarks/deduplicate.py)
from speed import run_child, tail  # noqa: E402  (benchmarks/speed.py)

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "bench"
KINDS = {"plain": ("--mutate", "0.3"), "stress": ()}  # make_corpus.py options of each generated corpus


def scan_once(path: Path, code: Path, out: Path, timeout: float) -> dict:
    """One ``dedup scan`` of ``path`` with the package of ``code``: its times and report stats."""
    env = {**os.environ, "PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"}  # not the current folder's package
    cmd = [sys.executable, "-m", "dedup.cli", "scan", str(path), "--format", "json", "-o", str(out), "--no-progress"]
    out.unlink(missing_ok=True)
    child = run_child(cmd, timeout, out.with_suffix(".log"), env)
    if not child.ok:
        sys.exit(f"{' '.join(cmd)}: {child.status}: {tail(out.with_suffix('.log'))}")
    with open(out, encoding="utf-8") as f:
        report = json.load(f)
    stats = report["stats"]
    sizes = sorted((len(s["members"]) for s in report.get("clusters", [])), reverse=True)
    cpu = stats.get("cpu_seconds", {})  # absent before the scan reported it
    return {"wall": child.seconds, "cpu": child.cpu_seconds, "rss": child.rss_mib,
            "candidates": stats.get("candidates", 0), "compared": stats.get("candidates_compared"),
            "confirm": stats["timings"].get("confirm", 0.0), "confirm_cpu": cpu.get("confirm", float("nan")),
            "stages": stats["timings"], "stage_cpu": cpu, "pairs": sum(stats.get("pairs", {}).values()),
            "stories": len(sizes), "largest": sizes[0] if sizes else 0}


def baseline_once(path: Path, work: Path, timeout: float) -> dict:
    child = run_child([sys.executable, str(BENCH / "datasketch_baseline.py"), str(path)], timeout,
                      work / f"datasketch-{path.stem}.log")
    if not child.ok:
        sys.exit(f"datasketch baseline: {child.status}")
    return {"wall": child.seconds, "cpu": child.cpu_seconds}


def median_of(runs: list[dict]) -> dict:
    """The first run's counts with the median of each time over the runs."""
    out = dict(runs[0])
    for name in ("wall", "cpu", "confirm", "confirm_cpu", "rss"):
        if name in out:
            out[name] = statistics.median(r[name] for r in runs)
    return out


def table(rows: list[tuple[str, str, dict, dict]]) -> str:
    """The runs as a Markdown table (``base``: the baseline's times, empty when it did not run)."""
    head = ("| corpus | code | scan wall s | scan CPU s | peak RSS MiB | candidates | compared | confirm wall s | "
            "confirm CPU s | ms/pair (wall, CPU) | pairs | stories (largest) | datasketch wall s, CPU s | "
            "scan/datasketch (wall, CPU) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, label, r, base in rows:
        n = max(r["candidates"], 1)
        compared = "?" if r["compared"] is None else f"{r['compared']:,}"
        lines.append(f"| {name} | {label} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} | {r['candidates']:,} | "
                     f"{compared} | {r['confirm']:.1f} | {r['confirm_cpu']:.1f} | {1000 * r['confirm'] / n:.2f}, "
                     f"{1000 * r['confirm_cpu'] / n:.2f} | {r['pairs']:,} | {r['stories']:,} ({r['largest']}) | "
                     + (f"{base['wall']:.1f}, {base['cpu']:.1f} | {r['wall'] / base['wall']:.1f}x, "
                        f"{r['cpu'] / base['cpu']:.1f}x |" if base else "- | - |"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedup-shared-text"))
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--pages", type=Path, help="a folder of real pages to scan as a third corpus")
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=DIR",
                        help="a code tree to run (its root on PYTHONPATH); default: this one")
    parser.add_argument("--only", nargs="+", choices=("plain", "stress", "pages"), default=("plain", "stress", "pages"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    codes = [tuple(c.split("=", 1)) for c in args.code] or [("this", str(REPO))]
    corpora = [(kind, corpus(args.n, args.work, args.seed, KINDS[kind], kind)[0]) for kind in KINDS if kind in args.only]
    if args.pages is not None and "pages" in args.only:
        if not args.pages.exists():
            sys.exit(f"--pages: {args.pages} not found")
        corpora.append(("pages", args.pages))
    rows = []
    for name, path in corpora:
        runs: dict[str, list[dict]] = {label: [] for label, _ in codes}
        base = []
        for k in range(args.repeat):  # interleaved, so that a change of load hits every tree alike
            for label, code in codes:
                runs[label].append(scan_once(path, Path(code), args.work / f"{name}-{label}-{k}.json", args.timeout))
                print(f"{name} {label}: {runs[label][-1]}", file=sys.stderr, flush=True)
            if path.is_file():  # the baseline reads one JSONL file
                base.append(baseline_once(path, args.work, args.timeout))
        b = median_of(base) if base else {}  # no baseline for a folder of pages
        rows += [(name, label, median_of(runs[label]), b) for label, _ in codes]
    print(f"{args.n:,} articles a generated corpus; {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
