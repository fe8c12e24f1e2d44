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

With ``--out FILE`` (e.g. ``reports/performance.md``) the table, the command and the machine's
load are also written between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in FILE
(``--section NAME``, default ``shared-text``; appended when absent; the rest of the file is
left alone).

Usage::

    python benchmarks/shared_text.py [--n 10000] [--work DIR] [--pages DIR] [--code LABEL=DIR ...]
        [--repeat K] [--only plain stress pages] [--timeout S] [--out FILE [--section NAME]]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deduplicate import corpus  # noqa: E402  (benchmarks/deduplicate.py)
from index_latency import write_section  # noqa: E402  (benchmarks/index_latency.py)
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
    return {"wall": child.seconds, "cpu": child.cpu_seconds, "rss": child.rss_mib, "total": child.total_mib,
            "stage_peaks": stats.get("peak_memory_mib", {}),
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
    for name in ("wall", "cpu", "confirm", "confirm_cpu", "rss", "total"):
        if name in out:
            out[name] = statistics.median(r[name] for r in runs)
    return out


def table(rows: list[tuple[str, str, dict, dict]]) -> str:
    """The runs as a Markdown table (``base``: the baseline's times, empty when it did not run)."""
    head = ("| corpus | code | scan wall s | scan CPU s | peak RSS MiB | peak memory MiB (all processes) | "
            "candidates | compared | confirm wall s | "
            "confirm CPU s | ms/pair (wall, CPU) | pairs | stories (largest) | datasketch wall s, CPU s | "
            "scan/datasketch (wall, CPU) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, label, r, base in rows:
        n = max(r["candidates"], 1)
        compared = "?" if r["compared"] is None else f"{r['compared']:,}"
        total = "?" if r.get("total") is None else f"{r['total']:,.0f}"
        lines.append(f"| {name} | {label} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:,.0f} | {total} | "
                     f"{r['candidates']:,} | "
                     f"{compared} | {r['confirm']:.1f} | {r['confirm_cpu']:.1f} | {1000 * r['confirm'] / n:.2f}, "
                     f"{1000 * r['confirm_cpu'] / n:.2f} | {r['pairs']:,} | {r['stories']:,} ({r['largest']}) | "
                     + (f"{base['wall']:.1f}, {base['cpu']:.1f} | {r['wall'] / base['wall']:.1f}x, "
                        f"{r['cpu'] / base['cpu']:.1f}x |" if base else "- | - |"))
    lines += ["", "Peak resident memory (MiB) of the scan's main process at the end of each stage (its "
              "workers apart; `stats.peak_memory_mib`):", ""]
    lines += [f"- {name}, {label}: " + ", ".join(f"{stage} {mib:,}" for stage, mib in r.get("stage_peaks", {}).items())
              for name, label, r, _ in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedup-shared-text"))
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--pages", type=Path, help="a folder of real pages to scan as a third corpus")
    parser.add_argument("--pages-name", default="pages", help="its name in the table (for another JSONL file)")
    parser.add_argument("--code", action="append", default=[], metavar="LABEL=DIR",
                        help="a code tree to run (its root on PYTHONPATH); default: this one")
    parser.add_argument("--only", nargs="+", choices=("plain", "stress", "pages"), default=("plain", "stress", "pages"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--out", type=Path, help="also write the table into a section of this file")
    parser.add_argument("--section", default="shared-text", help="the section's name in --out")
    args = parser.parse_args(argv)
    codes = [tuple(c.split("=", 1)) for c in args.code] or [("this", str(REPO))]
    args.work.mkdir(parents=True, exist_ok=True)
    corpora = [(kind, corpus(args.n, args.work, args.seed, KINDS[kind], kind)[0]) for kind in KINDS if kind in args.only]
    if args.pages is not None and "pages" in args.only:
        if not args.pages.exists():
            sys.exit(f"--pages: {args.pages} not found")
        corpora.append((args.pages_name, args.pages))
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
    generated = [kind for kind in KINDS if kind in args.only]
    summary = ((f"{args.n:,} articles a generated corpus; " if generated else "")
               + f"{os.cpu_count()} CPUs; load average "
               f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")
    print(summary)
    print(table(rows))
    if args.out is not None:
        start, end = f"<!-- {args.section}:start -->", f"<!-- {args.section}:end -->"
        write_section(args.out, [start, *section(argv if argv is not None else sys.argv[1:], codes, summary,
                                                 table(rows), args.section), end], start, end)
    return 0


def section(argv: list[str], codes: list[tuple[str, ...]], summary: str, runs: str,
            section_name: str = "shared-text") -> list[str]:
    """The report section: the command, when and on what, each code tree's commit, the table."""
    def commit(code: str) -> str:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True,
                              text=True).stdout.strip() or "?"
    trees = "; ".join(f"`{label}` = commit {commit(code)}" for label, code in codes)
    title = "## Shared text: corpora whose articles share text, beside independent articles"
    return [title + ("" if section_name == "shared-text" else f" ({section_name})"), "",
            f"- command: `python benchmarks/shared_text.py {shlex.join(argv)}`",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; code trees: {trees}",
            f"- {summary} (other jobs on the machine slow the wall times: compare CPU seconds)", "",
            "*plain*: independent articles with 10% edited copies (`make_corpus.py N --mutate 0.3` of "
            "../shared/bench); *stress*: the same generator, articles drawing whole pool sentences verbatim; "
            "*pages* (`--pages`): a given folder or JSONL file of pages. "
            "Each scan is `python -m dedup.cli scan CORPUS --format json` in a child process; datasketch is "
            "`../shared/bench/datasketch_baseline.py` (MinHash per document and MinHashLSH, nothing else) on "
            "the same file, run between the scans. Medians over the repeats.", "", runs]


if __name__ == "__main__":
    sys.exit(main())
