"""``Index.check`` latency against an index of N articles, written into ``reports/performance.md``.

Builds (or reuses) an SQLite index of the first N articles of the synthetic corpus of
:mod:`corpus` (``corpus-N-s1.jsonl`` in the work folder, generated when absent), bulk
loaded with ``add_many(batch=1000, matches=False)``, then times ``check`` one article at
a time, in this process, for held-out queries:

* copies: indexed articles with a sentence dropped and a line added (each should find
  its original);
* unrelated: articles the index has not seen (the corpus's articles after the first N:
  read from the corpus of a larger N when one is in the work folder, else generated).

Then times ``add`` (matches on) of 50 unrelated queries into the index (removed again
afterwards). Prints the figures and writes them between
``<!-- index-latency:start -->`` and ``<!-- index-latency:end -->`` in the output file
(appended when absent; the rest of the file is left alone).

    python benchmarks/index_latency.py [--n 100000] [--queries 300] [--work DIR] [--index FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import corpus  # noqa: E402

from dedup import Article  # noqa: E402
from dedup.index import Index  # noqa: E402

START, END = "<!-- index-latency:start -->", "<!-- index-latency:end -->"


def read_jsonl(path: Path, first: int, count: int) -> list[Article]:
    out = []
    with open(path, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k < first:
                continue
            if k >= first + count:
                break
            row = json.loads(line)
            out.append(Article(id=row["id"], text=row["text"]))
    return out


def corpus_file(work: Path, n: int) -> Path:
    """The corpus of ``n`` articles (generated with benchmarks/corpus.py when absent)."""
    path = work / f"corpus-{n}-s1.jsonl"
    if not path.exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), str(n), "--work", str(work)],
                       check=True)
    return path


def held_out(work: Path, n: int, count: int) -> list[Article]:
    """``count`` articles after the first ``n`` of the corpus (a prefix of any larger one)."""
    larger = sorted((p for p in work.glob("corpus-*-s1.jsonl") if p.stem.split("-")[1].isdigit()
                     and int(p.stem.split("-")[1]) >= n + count), key=lambda p: int(p.stem.split("-")[1]))
    path = larger[0] if larger else corpus_file(work, n + max(count, corpus.CHUNK) // corpus.CHUNK * corpus.CHUNK)
    return read_jsonl(path, n, count)


def copy_of(a: Article, k: int) -> Article:
    """``a`` republished: the first sentence of its first paragraph of several sentences dropped, a line added."""
    paragraphs = a.text.split("\n")
    for i, p in enumerate(paragraphs):
        if ". " in p:
            paragraphs[i] = p.split(". ", 1)[1]
            break
    return Article(id=f"query-copy-{k}", text="\n".join(paragraphs) + "\n\nRead the full story on our site today.")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300, help="half copies, half unrelated")
    ap.add_argument("--work", type=Path, default=corpus.DEFAULT_WORK)
    ap.add_argument("--index", type=Path, help="default: WORK/index-N.db (reused when it holds N articles)")
    ap.add_argument("--out", type=Path, default=REPO / "reports" / "performance.md")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.index or args.work / f"index-{args.n}.db"
    build_s = None
    with Index.open(path) as index:
        have = len(index)
    if have != args.n:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        articles = read_jsonl(corpus_file(args.work, args.n), 0, args.n)
        t = time.perf_counter()
        with Index.open(path) as index:
            for lo in range(0, len(articles), 10_000):
                index.add_many(articles[lo: lo + 10_000], batch=1000, matches=False)
                print(f"  {lo + 10_000:,} articles added, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        build_s = time.perf_counter() - t
        del articles
        Path(f"{path}.built.json").write_text(json.dumps({"seconds": round(build_s, 1), "commit": _commit(),
                                                          "load_average": os.getloadavg()[0]}))
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if os.path.exists(p))
    rng = random.Random(1)
    half = args.queries // 2
    picks = sorted(rng.sample(range(args.n), half))
    with open(corpus_file(args.work, args.n), encoding="utf-8") as f:
        rows = [json.loads(line) for k, line in enumerate(f) if k in set(picks)]
    originals = [Article(id=r["id"], text=r["text"]) for r in rows]
    copies = [copy_of(a, k) for k, a in enumerate(originals)]
    unrelated = held_out(args.work, args.n, args.queries - half)
    with Index.open(path) as index:
        for a in unrelated[:10]:  # warm the page cache and the code paths
            index.check(a)
        timings: dict[str, list[float]] = {"copy": [], "unrelated": []}
        found = {"copy": 0, "unrelated": 0}
        for kind, queries in (("copy", copies), ("unrelated", unrelated)):
            for k, q in enumerate(queries):
                t = time.perf_counter()
                matches = index.check(q)
                timings[kind].append((time.perf_counter() - t) * 1000)
                if kind == "copy":
                    found[kind] += any(originals[k].id in (m.a, m.b) and m.relation.derives for m in matches)
                else:
                    found[kind] += any(m.relation.derives for m in matches)
        adds = []
        for q in unrelated[: 50]:
            t = time.perf_counter()
            index.add(Article(id="latency-add-" + q.id, text=q.text))
            adds.append((time.perf_counter() - t) * 1000)
        for q in unrelated[: 50]:
            index.remove("latency-add-" + q.id)
    every = timings["copy"] + timings["unrelated"]
    lines = section(args, argv, path, build_s, size, timings, every, found, adds, len(copies), len(unrelated))
    print("\n".join(lines))
    write_section(args.out, lines)
    return 0


def section(args, argv, path, build_s, size, timings, every, found, adds, n_copies, n_unrelated) -> list[str]:
    commit = _commit()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    row = lambda name, v: (f"| {name} | {len(v)} | {statistics.median(v):.1f} | {pct(v, 99):.1f} | "  # noqa: E731
                           f"{statistics.fmean(v):.1f} | {max(v):.1f} |")
    if build_s is not None:
        built = f"built in {build_s:.0f} s"
    else:
        try:
            earlier = json.loads(Path(f"{path}.built.json").read_text())
            built = (f"built in {earlier['seconds']:.0f} s by an earlier run (commit {earlier['commit']}, "
                     f"load average {earlier['load_average']:.1f} then)")
        except (OSError, ValueError, KeyError):
            built = "built by an earlier run"
    return [
        START, "## Index: `check` latency", "",
        f"- command: `{shlex.join(['python', 'benchmarks/index_latency.py', *(argv or sys.argv[1:])])}`",
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit}",
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite "
        f"{__import__('sqlite3').sqlite_version}; load average (1 min) {load:.2f} at the end",
        f"- index: {args.n:,} articles of `corpus-{args.n}-s1.jsonl` in one SQLite file ({path.name}), "
        f"{size / 2**20:,.0f} MiB, {built} with `add_many(batch=1000, matches=False)` in one process",
        "",
        "`Index.check(article)` timed one call at a time in one process, after 10 warm-up calls (page cache warm): "
        "cleaning and sketching the article, the three channels' lookups, loading the candidates, confirming. "
        f"Copies: {n_copies} indexed articles with their first sentence of a paragraph dropped and a line added; "
        f"unrelated: "
        f"{n_unrelated} corpus articles the index has not seen. Milliseconds.", "",
        "| queries | n | p50 | p99 | mean | max |", "|---|---|---|---|---|---|",
        row("copies", timings["copy"]), row("unrelated", timings["unrelated"]), row("all", every),
        row("`add` (matches on, unrelated; then removed)", adds), "",
        f"Copies that found their original (duplicate, copy, partial or derived): {found['copy']}/{n_copies}; "
        f"unrelated queries with a derived-or-stronger match: {found['unrelated']}/{n_unrelated}. "
        f"Target p99 < 50 ms: {'met' if pct(every, 99) < 50 else 'NOT met'} ({pct(every, 99):.1f} ms).",
        END,
    ]


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()


def write_section(out: Path, lines: list[str], start: str = START, end: str = END) -> None:
    """``lines`` in place of the block between ``start`` and ``end`` in ``out`` (appended when absent)."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    block = "\n".join(lines)
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
