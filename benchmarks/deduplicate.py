"""What the deduplicated output costs: ``dedup scan`` against ``dedup scan --deduplicated`` on a
corpus of N articles from ``../shared/bench`` (real English sentences, independent articles
with 10% edited copies: ``make_corpus.py --mutate 0.3``), printed.

* two child processes, each timed whole (wall seconds, peak RSS of the largest process,
  through the launcher of ``speed.py``): ``dedup scan C.jsonl -o report.json`` and
  ``dedup scan C.jsonl --deduplicated out.jsonl``;
* in this process, after one :func:`dedup.scan.scan`: the seconds of
  :func:`dedup.relation.keep.kept` and of :func:`dedup.report.deduplicated.write_deduplicated`
  alone, and this process's peak RSS before and after writing;
* the output checked against the corpus's truth (clusters of an original and its copies):
  clusters left with exactly one article, those keeping the generator's original, and
  articles dropped outside any cluster (should be 0).

Usage (prints the figures and writes them as a section of ``reports/performance.md``, ``--out``)::

    python benchmarks/deduplicate.py [--n 10000] [--work DIR] [--seed S] [--timeout S] [--out FILE]

The pool and corpus are generated into ``--work`` (default ``/tmp/dedup-deduplicate``) and kept.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_latency import write_section  # noqa: E402  (benchmarks/index_latency.py)
from speed import run_child, tail  # noqa: E402  (benchmarks/speed.py)

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO.parent / "shared" / "bench"


def corpus(n: int, work: Path, seed: int, options: tuple[str, ...] = ("--mutate", "0.3"),
           name: str = "corpus") -> tuple[Path, dict]:
    """The corpus of ``n`` articles (made when absent, with ``make_corpus.py``'s ``options``) and its truth."""
    work.mkdir(parents=True, exist_ok=True)
    pool, prefix = work / "pool.txt", work / f"{name}-{n}-s{seed}"
    if not pool.exists():
        subprocess.run([sys.executable, str(BENCH / "make_pool.py"), str(pool)], check=True)
    if not prefix.with_suffix(".jsonl").exists():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(pool), str(n), str(prefix),
                        "--seed", str(seed), *options], check=True)
    with open(prefix.with_suffix(".truth.json"), encoding="utf-8") as f:
        return prefix.with_suffix(".jsonl"), json.load(f)


def child(name: str, cmd: list[str], timeout: float, work: Path) -> dict:
    log = work / f"{name}.log"
    result = run_child(cmd, timeout, log)
    if not result.ok:
        sys.exit(f"{name}: {result.status}: {tail(log)}")
    return {"seconds": result.seconds, "rss_mib": result.rss_mib, "log": tail(log, 2)}


def in_process(path: Path, out: Path) -> dict:
    """One scan here, then kept() and the writing timed alone."""
    from dedup.relation.keep import kept
    from dedup.report.deduplicated import row_file, write_deduplicated
    from dedup.scan import scan

    rows = row_file([str(path)])
    t0 = time.perf_counter()
    report = scan([str(path)])
    scanned = time.perf_counter() - t0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    keep = kept(report)
    chose = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_deduplicated(report, keep, out, rows)
    wrote = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"scan": scanned, "kept": chose, "write": wrote, "rss_before": before, "rss_after": after,
            "articles": len(report.articles), "keep": keep}


def against_truth(keep: dict[str, list[str]], truth: dict) -> str:
    """How the kept set matches the truth's clusters (an original and its copies each)."""
    clusters = [set(c) for c in truth["clusters"]]
    members = set().union(*clusters)
    kept_ids = set(keep)
    dropped = {gone for replaced in keep.values() for gone in replaced}
    single = sum(len(c & kept_ids) == 1 for c in clusters)
    originals = {c["orig"] for c in truth["copies"]}
    return (f"truth: {len(clusters)} clusters of an original and its copies ({len(members)} articles): {single} "
            f"keep exactly one article, {len(originals & kept_ids)} their original; {len(dropped)} articles dropped, "
            f"{len(dropped - members)} of them in no cluster")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedup-deduplicate"))
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "performance.md")
    args = parser.parse_args(argv)
    path, truth = corpus(args.n, args.work, args.seed)
    dedup = [sys.executable, "-m", "dedup.cli", "scan", str(path), "--no-progress"]
    plain = child("scan", dedup + ["-o", str(args.work / "report.json")], args.timeout, args.work)
    both = child("deduplicated", dedup + ["--deduplicated", str(args.work / "deduplicated.jsonl")], args.timeout,
                 args.work)
    here = in_process(path, args.work / "deduplicated-here.jsonl")
    size = path.stat().st_size / (1 << 20)
    lines = [f"corpus: {path.name} ({here['articles']:,} articles, {size:.1f} MB)",
             f"dedup scan -o report.json:          {plain['seconds']:7.2f} s wall, peak RSS {plain['rss_mib']:.0f} MiB",
             f"dedup scan --deduplicated out.jsonl: {both['seconds']:7.2f} s wall, peak RSS {both['rss_mib']:.0f} MiB",
             f"  {both['log']}",
             f"in one process: scan {here['scan']:.2f} s; kept() {here['kept']:.3f} s; writing the rows "
             f"{here['write']:.3f} s; peak RSS {here['rss_before']:.0f} MiB before writing, {here['rss_after']:.0f} "
             "MiB after",
             against_truth(here["keep"], truth)]
    print("\n".join(lines))
    load = os.getloadavg()[0]
    write_section(args.out, [
        "<!-- deduplicate:start -->",
        "## The deduplicated output (`dedup scan --deduplicated`)",
        "",
        f"`python benchmarks/deduplicate.py --n {args.n}` on {time.strftime('%Y-%m-%d')} (load average "
        f"{load:.1f} at the end on this 2-core machine: other jobs ran beside it, so the wall times are upper "
        "bounds; the kept() and writing times are this process's own). A `make_corpus.py --mutate 0.3` corpus "
        "of ../shared/bench: independent articles and 10% edited copies.",
        "", "```", *lines, "```", "<!-- deduplicate:end -->"],
        start="<!-- deduplicate:start -->", end="<!-- deduplicate:end -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
