"""``Index.check`` latency against an index of N articles, written into ``reports/performance.md``.

Builds (or reuses) an SQLite index of the first N articles of the synthetic corpus of
:mod:`corpus` (``corpus-N-s1.jsonl`` in the work folder, generated when absent, or a
larger corpus there, which begins with it), bulk loaded by one ``add_many(batch=BATCH,
matches=False)`` call reading the corpus as it goes (one writer; cleaning and sketching
in worker processes), then times ``check`` (wall and CPU time) one article at a time, in
this process, for held-out queries:

* copies: indexed articles with a sentence dropped and a line added (each should find
  its original);
* unrelated: articles the index has not seen (the corpus's articles after the first N:
  read from the corpus of a larger N when one is in the work folder, else generated).

Then times ``add`` (matches on) of 50 unrelated queries into the index (removed again
afterwards). Prints the figures and writes them between ``<!-- SECTION:start -->`` and
``<!-- SECTION:end -->`` in the output file (``--section``, default ``index-latency``;
appended when absent; the rest of the file is left alone), with the build's time, rate
and the machine's load average while building. ``--max-build-minutes`` stops reading
articles after that long: the figures are then those of the smaller index, and say so;
``--resume`` then fills that index up to N from where it stopped (the corpus is read in order).

    python benchmarks/index_latency.py [--n 100000] [--queries 300] [--batch 1000] [--workers W]
        [--max-build-minutes M] [--resume] [--work DIR] [--index FILE] [--out FILE] [--section NAME]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
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
from dedup.parallel import default_workers  # noqa: E402



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
    """The corpus of ``n`` articles (generated with benchmarks/corpus.py when absent), or a larger
    one in the work folder that begins with it (``n`` a multiple of the corpus's chunk)."""
    path = work / f"corpus-{n}-s1.jsonl"
    if not path.exists() and n % corpus.CHUNK == 0:
        path = min(_corpora(work, n), key=_size_of, default=path)
    if not path.exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), str(n), "--work", str(work)],
                       check=True)
    return path


def held_out(work: Path, n: int, count: int) -> list[Article]:
    """``count`` articles after the first ``n`` of the corpus (a prefix of any larger one)."""
    larger = sorted(_corpora(work, n + count), key=_size_of)
    path = larger[0] if larger else corpus_file(work, n + max(count, corpus.CHUNK) // corpus.CHUNK * corpus.CHUNK)
    return read_jsonl(path, n, count)


def _corpora(work: Path, at_least: int) -> list[Path]:
    """The corpora in ``work`` of at least ``at_least`` articles."""
    return [p for p in work.glob("corpus-*-s1.jsonl") if p.stem.split("-")[1].isdigit() and _size_of(p) >= at_least]


def _size_of(path: Path) -> int:
    return int(path.stem.split("-")[1])


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
    ap.add_argument("--section", default="index-latency",
                    help="the section's name in --out (one per index size: index-latency-1m for a million)")
    ap.add_argument("--batch", type=int, default=1000, help="articles per transaction of the bulk load")
    ap.add_argument("--workers", type=int, help="processes cleaning and sketching (default: the CPUs)")
    ap.add_argument("--max-build-minutes", type=float,
                    help="stop reading articles after this long (the index then holds fewer than N; said so)")
    ap.add_argument("--resume", action="store_true",
                    help="an index of fewer than N articles (a stopped build) is filled up to N, not rebuilt")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.index or args.work / f"index-{args.n}.db"
    commit = _commit()
    build: dict | None = None
    with Index.open(path) as index:
        have = len(index)
    if have != args.n:
        earlier = _earlier_build(path) if args.resume and 0 < have < args.n else None
        if earlier is None:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
            have = 0
        build = bulk_load(path, corpus_file(args.work, args.n), args, skip=have)
        build["commit"] = commit
        if earlier is not None:
            build = resumed(earlier, build)
        Path(f"{path}.built.json").write_text(json.dumps(build))
        args.n = build["articles"]
    else:
        try:
            build = json.loads(Path(f"{path}.built.json").read_text()) | {"earlier": True}
        except (OSError, ValueError):
            build = None
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if os.path.exists(p))
    rng = random.Random(1)
    half = args.queries // 2
    picks = sorted(rng.sample(range(args.n), half))
    wanted = set(picks)
    with open(corpus_file(args.work, args.n), encoding="utf-8") as f:
        rows = [json.loads(line) for k, line in zip(range(args.n), f) if k in wanted]
    originals = [Article(id=r["id"], text=r["text"]) for r in rows]
    copies = [copy_of(a, k) for k, a in enumerate(originals)]
    unrelated = held_out(args.work, args.n, args.queries - half)
    with Index.open(path) as index:
        for a in unrelated[:10]:  # warm the page cache and the code paths
            index.check(a)
        timings: dict[str, list[float]] = {"copy": [], "unrelated": []}
        cpu: dict[str, list[float]] = {"copy": [], "unrelated": [], "add": []}  # this process's CPU time
        found = {"copy": 0, "unrelated": 0}
        for kind, queries in (("copy", copies), ("unrelated", unrelated)):
            for k, q in enumerate(queries):
                t, c = time.perf_counter(), time.process_time()
                matches = index.check(q)
                timings[kind].append((time.perf_counter() - t) * 1000)
                cpu[kind].append((time.process_time() - c) * 1000)
                if kind == "copy":
                    found[kind] += any(originals[k].id in (m.a, m.b) and m.relation.derives for m in matches)
                else:
                    found[kind] += any(m.relation.derives for m in matches)
        adds = []
        for q in unrelated[: 50]:
            t, c = time.perf_counter(), time.process_time()
            index.add(Article(id="latency-add-" + q.id, text=q.text))
            adds.append((time.perf_counter() - t) * 1000)
            cpu["add"].append((time.process_time() - c) * 1000)
        for q in unrelated[: 50]:
            index.remove("latency-add-" + q.id)
    every = timings["copy"] + timings["unrelated"]
    start, end = f"<!-- {args.section}:start -->", f"<!-- {args.section}:end -->"
    lines = [start, *section(args, argv, path, commit, build, size, timings, every, found, adds, len(copies),
                             len(unrelated), cpu), end]
    print("\n".join(lines))
    write_section(args.out, lines, start, end)
    return 0


def bulk_load(path: Path, source: Path, args, skip: int = 0) -> dict:
    """Fill the index at ``path`` with the first ``args.n`` articles of ``source`` (but the
    first ``skip``, which it holds) in one ``add_many`` call (read as it goes), and say how
    long it took and how loaded the machine was."""
    loads: list[float] = []
    t = time.perf_counter()
    limit = args.max_build_minutes * 60 if args.max_build_minutes else float("inf")
    stopped = False

    def stream():
        nonlocal stopped
        with open(source, encoding="utf-8") as f:
            for k, line in zip(range(args.n), f):
                if k < skip:
                    continue
                if k % 10_000 == 0 and k > skip:
                    loads.append(os.getloadavg()[0])
                    print(f"  {k:,} articles read, {time.perf_counter() - t:.0f} s, load average {loads[-1]:.1f}",
                          file=sys.stderr, flush=True)
                    if time.perf_counter() - t > limit:
                        stopped = True
                        return
                row = json.loads(line)
                yield Article(id=row["id"], text=row["text"])

    with Index.open(path) as index:
        index.add_many(stream(), batch=args.batch, matches=False, workers=args.workers)
        n = len(index)
    seconds = time.perf_counter() - t
    loads.append(os.getloadavg()[0])
    print(f"  {n:,} articles stored, {seconds:.0f} s", file=sys.stderr, flush=True)
    return {"articles": n, "goal": args.n, "stopped": stopped, "seconds": round(seconds, 1), "batch": args.batch,
            "workers": args.workers or default_workers(), "load_mean": round(statistics.fmean(loads or [0.0]), 2),
            "load_max": max(loads or [0.0]), "source": source.name}


def section(args, argv, path, commit, build, size, timings, every, found, adds, n_copies,
            n_unrelated, cpu) -> list[str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    row = lambda name, v, c: (f"| {name} | {len(v)} | {statistics.median(v):.1f} | {pct(v, 99):.1f} | "  # noqa: E731
                              f"{statistics.fmean(v):.1f} | {max(v):.1f} | {statistics.median(c):.1f} | "
                              f"{pct(c, 99):.1f} |")
    return [
        f"## Index: `check` latency, {args.n:,} articles", "",
        f"- command: `{shlex.join(['python', 'benchmarks/index_latency.py', *(argv or sys.argv[1:])])}`",
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, commit {commit}",
        f"- machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite "
        f"{__import__('sqlite3').sqlite_version}; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in load)} at the end",
        f"- index: {args.n:,} articles (the first of `{(build or {}).get('source', f'corpus-{args.n}-s1.jsonl')}`) "
        f"in one SQLite file ({path.name}), {size / 2**20:,.0f} MiB ({size / args.n:,.0f} bytes per article)",
        f"- {built_line(build)}",
        "",
        "`Index.check(article)` timed one call at a time in one process, after 10 warm-up calls (page cache warm): "
        "cleaning and sketching the article, the three channels' lookups, loading the candidates, confirming. "
        f"Copies: {n_copies} indexed articles with their first sentence of a paragraph dropped and a line added; "
        f"unrelated: "
        f"{n_unrelated} corpus articles the index has not seen. Milliseconds of wall time, and of this process's "
        "CPU time (what other jobs on the machine change least).", "",
        "| queries | n | p50 | p99 | mean | max | CPU p50 | CPU p99 |", "|---|---|---|---|---|---|---|---|",
        row("copies", timings["copy"], cpu["copy"]), row("unrelated", timings["unrelated"], cpu["unrelated"]),
        row("all", every, cpu["copy"] + cpu["unrelated"]),
        row("`add` (matches on, unrelated; then removed)", adds, cpu["add"]), "",
        f"Copies that found their original (duplicate, copy, partial or derived): {found['copy']}/{n_copies}; "
        f"unrelated queries with a derived-or-stronger match: {found['unrelated']}/{n_unrelated}. "
        f"Target p99 < 50 ms: {'met' if pct(every, 99) < 50 else 'NOT met'} ({pct(every, 99):.1f} ms).",
    ]


def _earlier_build(path: Path) -> dict | None:
    """The figures of the build that stopped at the articles ``path`` holds, when recorded."""
    try:
        return json.loads(Path(f"{path}.built.json").read_text())
    except (OSError, ValueError):
        return None


def resumed(earlier: dict, build: dict) -> dict:
    """One build's figures from those of a stopped build and of the run that went on with it."""
    return build | {"seconds": round(earlier["seconds"] + build["seconds"], 1),
                    "load_mean": round((earlier["load_mean"] * earlier["seconds"] + build["load_mean"] * build["seconds"])
                                       / max(earlier["seconds"] + build["seconds"], 1e-9), 2),
                    "load_max": max(earlier["load_max"], build["load_max"]),
                    "legs": earlier.get("legs", [earlier["articles"]]) + [build["articles"]],
                    "leg_workers": earlier.get("leg_workers", [earlier["workers"]]) + [build["workers"]]}


def built_line(build: dict | None) -> str:
    """How the index was built, from ``bulk_load``'s figures."""
    if build is None:
        return "built by an earlier run (its figures are lost)"
    how = (f"bulk loaded in {build['seconds']:,.0f} s ({build['articles'] / build['seconds']:,.0f} articles/s) by one "
           f"`add_many(batch={build['batch']}, matches=False, workers={build['workers']})` call: one writer, "
           + (f"cleaning and sketching in {build['workers']} worker processes" if build["workers"] > 1 else
              "cleaning and sketching in the same process")
           + "; load average (1 min) while building: "
           f"mean {build['load_mean']:.1f}, max {build['load_max']:.1f}"
           + (" (other jobs shared the machine)" if build["load_mean"] > (os.cpu_count() or 1) else ""))
    if build.get("legs"):
        how += (f"; in {len(build['legs'])} runs (`--resume`), each going on where the last stopped, reaching "
                f"{', then '.join(f'{n:,}' for n in build['legs'])} articles (workers "
                f"{', '.join(str(w) for w in build['leg_workers'])})")
    if build.get("earlier"):
        how += f", by an earlier run (commit {build['commit']})"
    if build.get("stopped"):
        how += (f"; **the build was stopped at {build['articles']:,} articles by `--max-build-minutes`** "
                f"(the goal was {build['goal']:,})")
    return how


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()


def write_section(out: Path, lines: list[str], start: str, end: str) -> None:
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
