"""Speed and memory benchmark: ``dedup scan`` on synthetic corpora of N articles, beside
peer MinHash sketchers, written to ``reports/performance.md`` (also printed).

For each N the corpus of :mod:`corpus` (real text recombined, 15% injected copies,
excerpts and light edits, gold pairs known) is generated once into the work folder and
kept. Then, on that corpus:

* ``dedup scan CORPUS.jsonl -o OUT.json --no-progress`` as a child process, ``--repeat``
  times: wall seconds, peak RSS of its largest process (``os.wait4``) and peak memory of
  all its processes together (PSS, sampled), the per-stage seconds of the report's
  ``stats.timings``, and the share of injected pairs it reports as duplicate, copy,
  partial or derived (plus how many such pairs it reports that were not injected);
* sketching alone, each method in its own child process (texts already parsed; parsing
  the JSONL is timed apart): the *floor* (every word 5-gram hashed once, no MinHash:
  done with numpy over the batch's bytes as dedup does, and per text in Python with
  xxh3_64 for reference), dedup's batch sketching (``dedup.sketch.shingle_batch``,
  ``minhash_flat`` per batch, then banding at Jaccard 0.5 with
  ``dedup.candidates.lsh_pairs``), datasketch (``MinHash(num_perm=128).update_batch``
  over word 5-gram bytes, ``MinHashLSH(threshold=0.5)`` insert + query), rensa if
  installed (``RMinHash`` per document with ``RMinHashLSH``, and its bulk
  ``digest_matrix_from_token_sets``), and text-dedup's MinHash pipeline if a Python with
  ``text_dedup`` is found (``--text-dedup-python``). Above ``--baseline-max`` articles,
  datasketch and text-dedup run on the first ``--baseline-max`` articles and their
  seconds are extrapolated linearly (labelled so).

Usage::

    python benchmarks/speed.py [--sizes N ...] [--repeat K] [--data DIR] [--work DIR]
        [--out FILE] [--baseline-max N] [--timeout S] [--skip-baselines] [--generate-only]
        [--seed S] [--text-dedup-python PYTHON]

Defaults: sizes 10000 100000 1000000; 3 runs for N <= 100,000 and 1 above (medians are
reported); data ``<repo>/../shared/benchmarks``; work ``/tmp/dedup-speed``; out
``reports/performance.md``; baseline-max 100000; timeout 3600 s per child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/corpus.py)
from baselines import shingles as baseline_shingles  # noqa: E402  (benchmarks/baselines.py)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "reports" / "performance.md"
DEFAULT_TEXT_DEDUP = Path("/tmp/textdedup-venv/bin/python")
POSITIVE = frozenset({"duplicate", "copy", "partial", "derived"})  # a pair counts as found
KINDS = tuple(corpus.SHARES)
STAGES = ("read", "clean", "sketch", "candidates", "confirm", "stories")
NUM_PERM, THRESHOLD, SHINGLE = 128, 0.5, 5  # the peers' MinHash settings
RENSA_BANDS = 32  # rensa needs num_perm divisible by the bands: 32 x 4 is nearest datasketch's 25 x 5
SKETCH_BATCH = 20_000  # texts parsed, then sketched, at a time
MEMORY_INTERVAL = 0.25  # seconds between samples of a child's total memory
MIB = 1024 * 1024


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- child processes -----------------------------------------------------------------

@dataclass
class Child:
    """How a child process ended: wall seconds, peak RSS (of its largest process), peak
    memory of all its processes (sampled), and ok / failed / timed out."""

    seconds: float
    rss_mib: float
    status: str  # "ok", "exit N", "signal N" or "timeout"
    total_mib: float | None = None  # largest sampled sum of PSS over the process group
    cpu_seconds: float | None = None  # user + system, the child and the workers it waited for

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# A tiny launcher between this process and each measured one: Linux carries a process's
# peak RSS across exec, so a child forked straight from this (large) process would report
# at least this process's size. The launcher forks from ~10 MiB and reports its child's.
_LAUNCHER = """
import os, sys, time
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {time.perf_counter() - t0} "
            f"{usage.ru_utime + usage.ru_stime}")
"""


def group_pss_kib(pgid: int, skip: int) -> int:
    """Sum of the proportional set sizes of the processes in group ``pgid`` (but ``skip``)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == skip:
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", encoding="ascii") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, ValueError, StopIteration):
            continue  # gone meanwhile, or not readable
    return total


class MemorySampler(threading.Thread):
    """The largest :func:`group_pss_kib` seen, sampled every ``interval`` s until stopped."""

    def __init__(self, pgid: int, interval: float = MEMORY_INTERVAL) -> None:
        super().__init__(daemon=True)
        self.pgid, self.interval, self.peak_kib = pgid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        wait = self.interval
        while not self.done.wait(wait):
            t0 = time.perf_counter()
            self.peak_kib = max(self.peak_kib, group_pss_kib(self.pgid, skip=self.pgid))
            # reading smaps of processes of several GB costs the kernel tens of ms: keep the
            # sampler under a tenth of a core, or it slows down what it measures
            wait = max(self.interval, 10 * (time.perf_counter() - t0))

    def stop(self) -> float | None:
        self.done.set()
        self.join()
        return self.peak_kib / 1024 if self.peak_kib else None


def run_child(cmd: Sequence[str], timeout: float, log_path: Path, env: dict | None = None) -> Child:
    """Run ``cmd`` with stdout and stderr to ``log_path``; killed after ``timeout`` s."""
    timed_out = threading.Event()
    usage_path = log_path.with_name(log_path.name + ".usage")
    usage_path.unlink(missing_ok=True)
    with open(log_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, str(usage_path), *cmd],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)

        def kill() -> None:
            timed_out.set()
            os.killpg(proc.pid, signal.SIGKILL)  # the launcher's own process group: it and its child

        timer = threading.Timer(timeout, kill)
        sampler = MemorySampler(proc.pid)
        timer.start()
        sampler.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
            total = sampler.stop()
        seconds = time.perf_counter() - t0
    if timed_out.is_set():
        return Child(seconds, float("nan"), "timeout", total)
    try:
        code, rss_kib, seconds, cpu = usage_path.read_text().split()
    except (OSError, ValueError):
        return Child(seconds, float("nan"), f"launcher exit {proc.returncode}", total)
    code = int(code)
    state = "ok" if code == 0 else f"signal {-code}" if code < 0 else f"exit {code}"
    return Child(float(seconds), int(rss_kib) / 1024, state, total, float(cpu))  # ru_maxrss: KiB on Linux


def tail(path: Path, lines: int = 3) -> str:
    try:
        return " / ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


# --- recall on the injected pairs ----------------------------------------------------

def key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def score(found: set[tuple[str, str]], gold: Sequence[tuple[str, str, str]], ids: set[str] | None = None) -> dict:
    """Recall on the gold pairs (overall and per kind) and the found pairs that are not gold.

    With ``ids`` (a sample), only gold pairs with both articles in it count.
    """
    gold = [g for g in gold if ids is None or (g[0] in ids and g[1] in ids)]
    hit = [key(a, b) in found for a, b, _ in gold]
    out = {"gold": len(gold), "found": sum(hit), "recall": sum(hit) / len(gold) if gold else None,
           "extra": len(found - {key(a, b) for a, b, _ in gold})}
    for kind in KINDS:
        k = [h for h, g in zip(hit, gold) if g[2] == kind]
        out[kind] = sum(k) / len(k) if k else None
    return out


# --- dedup end to end ----------------------------------------------------------------

def dedup_run(path: Path, out: Path, timeout: float, gold: list, with_score: bool) -> dict:
    cmd = [sys.executable, "-m", "dedup.cli", "scan", str(path), "-o", str(out), "--no-progress"]
    out.unlink(missing_ok=True)
    child = run_child(cmd, timeout, out.with_suffix(".log"))
    result: dict = {"child": child}
    if not child.ok:
        result["error"] = tail(out.with_suffix(".log"))
        return result
    with open(out, encoding="utf-8") as f:
        report = json.load(f)
    stats = report["stats"]
    result.update(timings=stats.get("timings", {}), memory=stats.get("peak_memory_mib", {}),
                  scan_seconds=stats.get("seconds"),
                  candidates=stats.get("candidates"), pairs=stats.get("pairs", {}))
    if with_score:
        found = {key(p["a"], p["b"]) for p in report["pairs"] if p["relation"] in POSITIVE}
        result["score"] = score(found, gold)
    return result


# --- sketching, one method per child process -----------------------------------------

def batches(path: Path, limit: int | None) -> Iterator[tuple[list[str], list[str], float]]:
    """(ids, texts, seconds spent parsing) of SKETCH_BATCH articles at a time."""
    with open(path, encoding="utf-8") as f:
        n = 0
        while limit is None or n < limit:
            t0 = time.perf_counter()
            ids, texts = [], []
            for line in f:
                row = json.loads(line)
                ids.append(row["id"])
                texts.append(row["text"])
                if len(ids) == SKETCH_BATCH or (limit is not None and n + len(ids) >= limit):
                    break
            if not ids:
                return
            n += len(ids)
            yield ids, texts, time.perf_counter() - t0


@dataclass
class Laps:
    """Seconds per phase of one sketching method."""

    read: float = 0.0
    shingling: float = 0.0
    minhash: float | None = 0.0  # None: the method makes no MinHash (the floor)
    lsh: float = 0.0
    docs: int = 0
    ids: list[str] = field(default_factory=list)


def peer_shingles(text: str) -> list[bytes]:
    """Word 5-grams of lower-cased ``\\w+`` tokens, as the quality baseline feeds datasketch."""
    return list(baseline_shingles(text, SHINGLE))


def sketch_floor(path: Path, limit: int | None) -> tuple[Laps, None]:
    import xxhash

    word, h, laps = re.compile(r"\w+"), xxhash.xxh3_64_intdigest, Laps(minhash=None)
    for ids, texts, read in batches(path, limit):
        laps.read += read
        t0 = time.perf_counter()
        for text in texts:
            w = word.findall(text.lower())
            _ = [h(" ".join(w[i:i + SHINGLE]).encode()) for i in range(max(len(w) - SHINGLE + 1, 1))]
        laps.shingling += time.perf_counter() - t0
        laps.docs += len(ids)
    return laps, None


def dedup_words() -> Callable[[str], list[str]]:
    """dedup's tokeniser: ``dedup.sketch.words`` where it exists, else ``tokens`` without offsets."""
    import dedup.sketch as sk

    if hasattr(sk, "words"):
        return sk.words
    return lambda text: [t for t, _, _ in sk.tokens(text)]


def sketch_floor_numpy(path: Path, limit: int | None) -> tuple[Laps, None]:
    """The floor done as dedup does it: the whole batch's bytes at once, word hashes by
    ``dedup.sketch.span_hashes``, each 5-gram hash made once from its words' (no MinHash)."""
    import numpy as np

    from dedup.sketch.hashing import shingles, span_hashes
    from dedup.sketch.tokens import ASCII_WORD

    laps = Laps(minhash=None)
    for ids, texts, read in batches(path, limit):
        laps.read += read
        t0 = time.perf_counter()
        low = np.frombuffer("\n".join(texts).lower().encode("utf-8"), np.uint8)
        edge = np.diff((ASCII_WORD[low] | (low >= 128)).view(np.int8), prepend=np.int8(0), append=np.int8(0))
        _ = shingles(span_hashes(low, np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)), SHINGLE)
        laps.shingling += time.perf_counter() - t0
        laps.docs += len(ids)
    return laps, None


def sketch_dedup(path: Path, limit: int | None) -> tuple[Laps, set]:
    import numpy as np

    from dedup import candidates as cand
    from dedup.sketch import minhash_flat, shingle_batch
    from dedup.sketch.minhash import lsh_bands_rows

    laps, sigs = Laps(), []
    for ids, texts, read in batches(path, limit):
        laps.read += read
        t0 = time.perf_counter()
        values, start = shingle_batch(texts)
        t1 = time.perf_counter()
        sigs.append(minhash_flat(values, np.diff(start), NUM_PERM))
        laps.shingling += t1 - t0
        laps.minhash += time.perf_counter() - t1
        laps.ids += ids
    t0 = time.perf_counter()
    pairs = cand.lsh_pairs(np.vstack(sigs), *lsh_bands_rows(THRESHOLD, NUM_PERM))
    laps.lsh = time.perf_counter() - t0
    laps.docs = len(laps.ids)
    return laps, {key(laps.ids[i], laps.ids[j]) for i, j in pairs.tolist()}


def _per_document(path: Path, limit: int | None, make: Callable, update: Callable) -> tuple[Laps, list]:
    laps, sketches = Laps(), []
    for ids, texts, read in batches(path, limit):
        laps.read += read
        for id_, text in zip(ids, texts):
            t0 = time.perf_counter()
            sh = peer_shingles(text)
            t1 = time.perf_counter()
            m = make()
            update(m, sh)
            laps.shingling += t1 - t0
            laps.minhash += time.perf_counter() - t1
            sketches.append((id_, m))
        laps.ids += ids
    laps.docs = len(laps.ids)
    return laps, sketches


def sketch_datasketch(path: Path, limit: int | None) -> tuple[Laps, set]:
    from datasketch import MinHash, MinHashLSH

    laps, sketches = _per_document(path, limit, lambda: MinHash(num_perm=NUM_PERM),
                                   lambda m, sh: m.update_batch(sh))
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for id_, m in sketches:
        lsh.insert(id_, m)
    found = {key(id_, hit) for id_, m in sketches for hit in lsh.query(m) if hit != id_}
    laps.lsh = time.perf_counter() - t0
    return laps, found


def sketch_rensa(path: Path, limit: int | None) -> tuple[Laps, set]:
    from rensa import RMinHash, RMinHashLSH

    laps, sketches = _per_document(path, limit, lambda: RMinHash(NUM_PERM, 42), lambda m, sh: m.update(sh))
    t0 = time.perf_counter()
    lsh = RMinHashLSH(THRESHOLD, NUM_PERM, RENSA_BANDS)
    for k, (_, m) in enumerate(sketches):
        lsh.insert(k, m)
    found = {key(id_, sketches[hit][0]) for k, (id_, m) in enumerate(sketches) for hit in lsh.query(m) if hit != k}
    laps.lsh = time.perf_counter() - t0
    return laps, found


def sketch_rensa_bulk(path: Path, limit: int | None) -> tuple[Laps, None]:
    from rensa import RMinHash

    laps = Laps()
    for ids, texts, read in batches(path, limit):
        laps.read += read
        t0 = time.perf_counter()
        sets = [peer_shingles(x) for x in texts]
        t1 = time.perf_counter()
        RMinHash.digest_matrix_from_token_sets(sets, NUM_PERM, 42)
        laps.shingling += t1 - t0
        laps.minhash += time.perf_counter() - t1
        laps.docs += len(ids)
    return laps, None


@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[[Path, int | None], tuple[Laps, set | None]]
    sampled: bool  # runs on --baseline-max articles at most
    needs: str | None = None  # module that must be importable
    setting: str = ""


METHODS = (
    Method("floor", sketch_floor_numpy, False,
           setting="the batch's bytes at once (numpy): word spans, word hashes (dedup.sketch.span_hashes), "
                   "every word 5-gram hashed once from them; no MinHash"),
    Method("floor (Python)", sketch_floor, False,
           setting="\\w+ tokens per text, every word 5-gram hashed once (xxh3_64); no MinHash"),
    Method("dedup (batch)", sketch_dedup, False,
           setting="dedup.sketch.shingle_batch (tokens and 5-grams of the whole batch with numpy), "
                   "minhash_flat (all 128 permutations) per batch; dedup.candidates.lsh_pairs banding b=25 r=5"),
    Method("datasketch", sketch_datasketch, True, "datasketch",
           "MinHash(num_perm=128).update_batch, MinHashLSH(threshold=0.5) insert + query"),
    Method("rensa", sketch_rensa, False, "rensa",
           f"RMinHash(128, 42).update per document, RMinHashLSH(0.5, 128, {RENSA_BANDS}) insert + query"),
    Method("rensa (bulk)", sketch_rensa_bulk, False, "rensa",
           "RMinHash.digest_matrix_from_token_sets per batch; no LSH"),
)
BY_NAME = {m.name: m for m in METHODS}


def sketch_child(args: argparse.Namespace) -> int:
    """The ``--sketch METHOD`` mode: run one method and write its laps and score as JSON."""
    method = BY_NAME[args.sketch]
    laps, found = method.run(args.corpus, args.limit)
    result = {"read": laps.read, "shingling": laps.shingling, "minhash": laps.minhash,
              "lsh": laps.lsh if found is not None else None, "docs": laps.docs}
    if found is not None:
        result["score"] = score(found, corpus.read_gold(args.gold), set(laps.ids))
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


def run_sketch(method: Method, paths: dict, limit: int | None, timeout: float, work: Path) -> dict:
    slug = re.sub(r"\W+", "-", method.name).strip("-")
    result_path = work / f"sketch-{slug}.json"
    result_path.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--sketch", method.name, "--corpus", str(paths["corpus"]),
           "--gold", str(paths["gold"]), "--result", str(result_path)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    child = run_child(cmd, timeout, result_path.with_suffix(".log"))
    if not child.ok:
        return {"child": child, "error": tail(result_path.with_suffix(".log"))}
    return {"child": child, **json.loads(result_path.read_text(encoding="utf-8"))}


# --- text-dedup (its own Python: it pins packages dedup's environment should not get) ---

_UF_TO_JSON = """
import json, pickle, sys
uf = pickle.load(open(sys.argv[1], "rb"))
json.dump({str(k): str(uf.find(k)) for k in list(uf.parent)}, open(sys.argv[2], "w"))
"""
_TIMER = re.compile(r"(Loading|MinHashing|Clustering|Filtering|Saving|Total)\s*:\s*([\d.]+)s")


def text_dedup_python(option: str | None) -> str | None:
    if option:
        return option
    if importlib.util.find_spec("text_dedup"):
        return sys.executable
    return str(DEFAULT_TEXT_DEDUP) if DEFAULT_TEXT_DEDUP.exists() else None


def head_file(path: Path, n: int) -> Path:
    """The first ``n`` lines of a JSONL corpus, as a file beside it (made once)."""
    out = path.with_name(f"{path.stem}.head{n}.jsonl")
    if not out.exists():
        with open(path, encoding="utf-8") as src, open(out.with_suffix(".part"), "w", encoding="utf-8") as dst:
            for k, line in enumerate(src):
                if k >= n:
                    break
                dst.write(line)
        os.replace(out.with_suffix(".part"), out)
    return out


def run_text_dedup(python: str, paths: dict, limit: int | None, timeout: float, work: Path) -> dict:
    src = paths["corpus"] if limit is None else head_file(paths["corpus"], limit)
    root = work / "text-dedup"
    shutil.rmtree(root, ignore_errors=True)  # cold datasets cache every run
    root.mkdir(parents=True)
    cmd = [python, "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(src), "--split", "train",
           "--output", str(root / "out"), "--cache_dir", str(root / "cache"), "--column", "text",
           "--idx_column", "id", "--num_perm", str(NUM_PERM), "--threshold", str(THRESHOLD),
           "--ngram", str(SHINGLE), "--min_length", "0", "--hash_func", "xxh3", "--num_proc", "1", "--debug"]
    env = {**os.environ, "COLUMNS": "300", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    child = run_child(cmd, timeout, root / "log.txt", env)
    if not child.ok:
        return {"child": child, "error": tail(root / "log.txt")}
    phases = {k: float(v) for k, v in _TIMER.findall((root / "log.txt").read_text(errors="replace"))}
    subprocess.run([python, "-c", _UF_TO_JSON, str(root / "out" / "uf.pkl"), str(root / "uf.json")], check=True)
    roots = json.loads((root / "uf.json").read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {}
    for doc, r in roots.items():
        groups.setdefault(r, []).append(doc)
    found = {key(a, b) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1:]}
    ids = None if limit is None else set(corpus.read_texts(src)[0])
    gold = corpus.read_gold(paths["gold"])
    return {"child": child, "phases": phases, "docs": limit, "score": score(found, gold, ids)}


# --- one size ------------------------------------------------------------------------

def median(values: Sequence[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def bench_size(n: int, args: argparse.Namespace, repeat: int, td_python: str | None) -> dict:
    meta, generated = corpus.ensure(n, args.seed, args.data, args.work)
    paths = corpus.paths(n, args.seed, args.work)
    gold = corpus.read_gold(paths["gold"])
    out: dict = {"n": n, "meta": meta, "generated_now": generated, "repeat": repeat, "dedup": [], "sketch": {}}
    for r in range(repeat):
        log(f"[{n:,}] dedup scan, run {r + 1}/{repeat}")
        scored = any(x.get("score") for x in out["dedup"])  # the reports are the same: score one
        res = dedup_run(paths["corpus"], args.work / f"report-{n}.json", args.timeout, gold, with_score=not scored)
        out["dedup"].append(res)
        c = res["child"]
        log(f"[{n:,}]   {c.status}, {c.seconds:.1f} s, peak RSS {c.rss_mib:.0f} MiB, "
            f"all processes {fmt(c.total_mib, 0)} MiB")
    if args.skip_baselines:
        return out
    sample = args.baseline_max if n > args.baseline_max else None
    for method in METHODS:
        if method.needs and not importlib.util.find_spec(method.needs):
            out["sketch"][method.name] = {"missing": f"{method.needs} is not installed"}
            continue
        limit = sample if method.sampled else None
        runs = []
        for r in range(repeat):
            log(f"[{n:,}] sketching: {method.name}, run {r + 1}/{repeat}" + (f" (first {limit:,})" if limit else ""))
            runs.append(run_sketch(method, paths, limit, args.timeout, args.work))
        out["sketch"][method.name] = {"runs": runs, "limit": limit}
    if td_python:
        runs = []
        for r in range(repeat):
            log(f"[{n:,}] text-dedup, run {r + 1}/{repeat}" + (f" (first {sample:,})" if sample else ""))
            runs.append(run_text_dedup(td_python, paths, sample, args.timeout, args.work))
        out["text-dedup"] = {"runs": runs, "limit": sample}
    return out


# --- the report ----------------------------------------------------------------------

def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine() -> dict:
    def first(path: str, pattern: str) -> str | None:
        try:
            m = re.search(pattern, Path(path).read_text(), re.M)
        except OSError:
            return None
        return m.group(1).strip() if m else None

    mem_kib = first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    commit = _git("rev-parse", "--short", "HEAD").strip() or "unknown"
    status = _git("status", "--porcelain").splitlines()
    if status:
        commit += "+dirty"
    changed = [line[3:] for line in status if line[:2].strip() and not line.startswith("??")]
    return {
        "changed": [p for p in changed if p.startswith("dedup/")], "load": os.getloadavg()[0],
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": round(int(mem_kib) / 1024 ** 2, 1) if mem_kib else None,
        "cpu": first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "python": platform.python_version(), "system": f"{platform.system()} {platform.machine()}",
        "commit": commit, "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def fmt(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def table(rows: list[list], headers: list[str]) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers, tablefmt="github", disable_numparse=True)


def statuses(children: Sequence[Child]) -> str:
    bad = [c.status for c in children if not c.ok]
    return "ok" if not bad else ", ".join(bad)


def corpus_table(results: list[dict], reference: dict | None) -> str:
    rows = []
    for r in results:
        m, spot = r["meta"], r["meta"]["spot_check"]
        rows.append([f"{r['n']:,}", f"{m['bases']:,}", *(f"{m['variants'].get(k, 0):,}" for k in KINDS),
                     fmt(m["mean_words"], 0), fmt(m["bytes"] / MIB),
                     fmt(m["seconds"]) + ("" if r["generated_now"] else " (earlier run)"),
                     f"{spot['texts']:,}", fmt(spot["random_pairs"]["mean"], 5), fmt(spot["nearest"]["median"], 4),
                     fmt(spot["nearest"]["max"], 4), fmt(spot["nearest"]["sharing_per_million_pairs"])])
    if reference:
        rows.append(["BBC News (real, reference)", "-", "-", "-", "-", "-", "-", "-", f"{reference['texts']:,}",
                     fmt(reference["random_pairs"]["mean"], 5), fmt(reference["nearest"]["median"], 4),
                     fmt(reference["nearest"]["max"], 4), fmt(reference["nearest"]["sharing_per_million_pairs"])])
    return table(rows, ["N", "bases", *KINDS, "mean words", "JSONL MiB", "generation s", "bases checked",
                        "Jaccard, random pairs (mean)", "nearest Jaccard (median)", "nearest Jaccard (max)",
                        f"pairs sharing >= {corpus.SPOT_SHARED} 5-grams per 1M pairs"])


def dedup_table(results: list[dict]) -> str:
    rows = []
    for r in results:
        runs = r["dedup"]
        ok = [x for x in runs if x["child"].ok]
        child = {k: median([getattr(x["child"], k) for x in ok]) for k in ("seconds", "cpu_seconds", "rss_mib",
                                                                          "total_mib")}
        wall = child["seconds"]
        stages = [fmt(median([x["timings"].get(s) for x in ok]), 2) for s in STAGES]
        rows.append([f"{r['n']:,}", f"{len(ok)}/{len(runs)}", fmt(wall), fmt(child["cpu_seconds"]),
                     fmt(r["n"] / wall if wall else None, 0), fmt(child["rss_mib"], 0), fmt(child["total_mib"], 0),
                     *stages, fmt(median([x["scan_seconds"] for x in ok]), 1),
                     f"{ok[0]['candidates']:,}" if ok and ok[0].get("candidates") is not None else "-",
                     statuses([x["child"] for x in runs])])
    return table(rows, ["N", "runs ok", "wall s (median)", "CPU s (user+sys)", "docs/s",
                        "peak RSS MiB (largest process)", "peak memory MiB (all processes)",
                        *(f"{s} s" for s in STAGES), "stats.seconds", "candidate pairs", "status"])


def stage_memory_table(results: list[dict]) -> str:
    """The scan process's own peak resident memory when each stage ended (its workers apart)."""
    rows = []
    for r in results:
        ok = [x for x in r["dedup"] if x["child"].ok and x.get("memory")]
        rows.append([f"{r['n']:,}", *(fmt(median([x["memory"].get(s) for x in ok]), 0) for s in STAGES)])
    return table(rows, ["N", *(f"after {s}" for s in STAGES)])


def _score_row(n: int, name: str, s: dict | None, note: str = "") -> list:
    if not s:
        return [f"{n:,}", name, "-", "-", *("-" for _ in KINDS), "-", note]
    return [f"{n:,}", name, f"{s['found']:,}/{s['gold']:,}", pct(s["recall"]), *(pct(s[k]) for k in KINDS),
            f"{s['extra']:,}", note]


def recall_table(results: list[dict]) -> str:
    rows = []
    for r in results:
        n = r["n"]
        first = next((x for x in r["dedup"] if x.get("score")), None)
        rows.append(_score_row(n, "dedup scan", first["score"] if first else None,
                               "pairs reported as duplicate/copy/partial/derived"))
        for name, res in r["sketch"].items():
            run = next((x for x in res.get("runs", []) if x.get("score")), None)
            if run:
                note = "LSH candidate pairs" + (f"; first {res['limit']:,} articles" if res.get("limit") else "")
                rows.append(_score_row(n, name, run["score"], note))
        td = r.get("text-dedup")
        run = next((x for x in td["runs"] if x.get("score")), None) if td else None
        if run:
            note = "pairs in one duplicate cluster" + (f"; first {td['limit']:,} articles" if td.get("limit") else "")
            rows.append(_score_row(n, "text-dedup", run["score"], note))
    return table(rows, ["N", "method", "injected pairs found", "recall", *(f"recall {k}" for k in KINDS),
                        "other pairs (not injected)", "what counts"])


def failure(run: dict) -> str:
    """How a run failed: its status, and the end of its log unless it timed out."""
    status = run["child"].status
    return status if status == "timeout" else f"{status}: {run.get('error', '')}"


def sketch_rows(r: dict) -> tuple[list[list], dict[str, float]]:
    """Rows of the sketching table for one size, and the per-1k-docs seconds for scaling."""
    n = r["n"]
    summary: dict[str, dict] = {}
    for name, res in r["sketch"].items():
        ok = [x for x in res.get("runs", []) if x["child"].ok]
        if not ok:
            summary[name] = {"note": res.get("missing") or "failed: " + "; ".join(
                failure(x) for x in res.get("runs", []))}
            continue
        docs = ok[0]["docs"]
        scale = n / docs
        sh, mh, lsh = (median([x[k] for x in ok]) for k in ("shingling", "minhash", "lsh"))
        summary[name] = {"shingling": sh * scale, "minhash": mh * scale if mh is not None else None,
                         "sketch": (sh + (mh or 0)) * scale,
                         "lsh": lsh * scale if lsh is not None else None,
                         "read": median([x["read"] for x in ok]) * scale,
                         "rss": median([x["child"].rss_mib for x in ok]), "runs": len(ok),
                         "note": f"extrapolated from {docs:,}" if scale != 1 else ""}
    td = r.get("text-dedup")
    if td:
        ok = [x for x in td["runs"] if x["child"].ok]
        if ok:
            scale = n / (td["limit"] or n)
            ph = {k: median([x["phases"].get(k) for x in ok]) for k in ("Loading", "MinHashing", "Clustering", "Total")}
            summary["text-dedup"] = {
                "shingling": None, "minhash": None, "sketch": ph["MinHashing"] * scale if ph["MinHashing"] else None,
                "lsh": ph["Clustering"] * scale if ph["Clustering"] else None,
                "read": ph["Loading"] * scale if ph["Loading"] else None,
                "rss": median([x["child"].rss_mib for x in ok]), "runs": len(ok),
                "note": (f"extrapolated from {td['limit']:,}; " if td["limit"] else "")
                + f"process wall {fmt(median([x['child'].seconds for x in ok]))} s; num_proc=1"}
        else:
            summary["text-dedup"] = {"note": "failed: " + "; ".join(
                failure(x) for x in td["runs"])}
    base = summary.get("datasketch", {}).get("sketch")
    floor = summary.get("floor", {}).get("sketch")
    rows = []
    for name, s in summary.items():
        t = s.get("sketch")
        rows.append([f"{n:,}", name, fmt(s.get("read"), 2), fmt(s.get("shingling"), 2), fmt(s.get("minhash"), 2),
                     fmt(t, 2), fmt(n / t if t else None, 0),
                     fmt(base / t if base and t else None, 2), fmt(t / floor if floor and t else None, 2),
                     fmt(s.get("lsh"), 2), fmt(s.get("rss"), 0), s.get("note", "")])
    return rows, {name: s["sketch"] / n * 1000 for name, s in summary.items() if s.get("sketch")}


def sketch_table(results: list[dict]) -> tuple[str, dict[int, dict[str, float]]]:
    rows, per_k = [], {}
    for r in results:
        if r["sketch"]:
            rr, per_k[r["n"]] = sketch_rows(r)
            rows += rr
    return table(rows, ["N", "method", "parse JSONL s", "tokens+shingles s", "MinHash s", "sketch s",
                        "docs/s", "x faster than datasketch", "x floor", "LSH s", "peak RSS MiB", "note"]), per_k


def scaling_table(results: list[dict], sketch_per_k: dict[int, dict[str, float]]) -> str:
    sizes = [r["n"] for r in results]
    lines: dict[str, dict[int, float]] = {"dedup scan (wall)": {}, "dedup scan: sketch stage": {}}
    for r in results:
        ok = [x for x in r["dedup"] if x["child"].ok]
        wall = median([x["child"].seconds for x in ok])
        sk = median([x["timings"].get("sketch") for x in ok])
        if wall:
            lines["dedup scan (wall)"][r["n"]] = wall / r["n"] * 1000
        if sk:
            lines["dedup scan: sketch stage"][r["n"]] = sk / r["n"] * 1000
        for name, v in sketch_per_k.get(r["n"], {}).items():
            lines.setdefault(f"sketching: {name}", {})[r["n"]] = v
    rows = [[name, *(fmt(v.get(n), 3) for n in sizes)] for name, v in lines.items()]
    return table(rows, ["seconds per 1,000 articles", *(f"N={n:,}" for n in sizes)])


def render(results: list[dict], argv: Sequence[str], info: dict, reference: dict | None,
           td_python: str | None, skipped: bool) -> str:
    sk, per_k = sketch_table(results)
    parts = [
        "# Performance", "",
        f"- command: `{shlex.join(['python', *argv])}`",
        f"- date: {info['date']}",
        f"- commit: {info['commit']}" + (f" (uncommitted changes in {', '.join(info['changed'])})"
                                          if info["changed"] else ""),
        f"- machine: {info['nproc']} CPUs (nproc), {fmt(info['ram_gib'])} GiB RAM, {info['cpu']}, "
        f"Python {info['python']}, {info['system']}",
        f"- load average (1 min): {info['load']:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
        "(other processes on the machine slow the measured ones down)", "",
        "## Corpora", "",
        "Generated by `benchmarks/corpus.py` (see its docstring): base articles recombined from real text "
        f"(fixtures, BBC News, Clough-Stevenson, PAN-13 sources: {results[0]['meta']['pool']['files']:,} files, "
        f"{results[0]['meta']['pool']['tokens']:,} tokens), plus injected variants of distinct bases: "
        + ", ".join(f"{k} {100 * s:.0f}%" for k, s in corpus.SHARES.items())
        + " of the articles. Spot check of accidental overlap: word 5-gram Jaccard among base articles "
        f"(the first {corpus.SPOT_DOCS:,}): {corpus.SPOT_PAIRS:,} random pairs, and for {corpus.SPOT_SAMPLE} "
        "sampled bases the most similar other base; the same check on the real BBC articles for reference.", "",
        corpus_table(results, reference), "",
        "## dedup scan, end to end", "",
        "`dedup scan CORPUS.jsonl -o OUT.json --no-progress` in a child process. Wall seconds; CPU seconds "
        "(user + system, with the worker processes it waited for); peak RSS of "
        "the largest process (ru_maxrss from os.wait4: the child or one of its workers); peak memory of all its "
        f"processes together (sum of PSS from /proc/PID/smaps_rollup, sampled every {MEMORY_INTERVAL} s, or ten times as long as a sample takes, whichever is longer); stage "
        "seconds from the report's `stats.timings`; stats.seconds is the scan without reading; medians over the "
        "runs that finished.", "",
        dedup_table(results), "",
        "Peak resident memory (MiB) of the scan's main process so far, at the end of each stage "
        "(`stats.peak_memory_mib`, from `getrusage`; its worker processes apart; the report is written after "
        "`stories`):", "",
        stage_memory_table(results), "",
        "## Injected pairs found", "",
        "Recall: injected pairs found / injected pairs. dedup finds a pair when it reports it as duplicate, copy, "
        "partial or derived; the MinHash peers when the pair is an LSH candidate (Jaccard threshold 0.5 on word "
        "5-grams); text-dedup when both are in one duplicate cluster. Other pairs: pairs found that were not "
        "injected.", "",
        recall_table(results), "",
    ]
    if skipped:
        parts += ["Sketching comparison: skipped (--skip-baselines).", ""]
    else:
        settings = "\n".join(f"- {m.name}: {m.setting}" for m in METHODS)
        parts += [
            "## Sketching", "",
            "Each method in its own child process on the same corpus; parsing the JSONL is timed apart and left out "
            "of the sketch seconds (tokens + shingles + MinHash). x faster than datasketch = datasketch sketch s / "
            "method sketch s; x floor = method sketch s / floor sketch s. Peak RSS is the child's (Python, parsed "
            f"batches of {SKETCH_BATCH:,} texts, signatures, LSH index). Medians over the runs.", "",
            settings,
            "- text-dedup: " + (f"`{td_python} -m text_dedup.minhash` (num_perm 128, threshold 0.5, 5-grams, "
                                "xxh3, num_proc 1, cold datasets cache); its own phase timings: parse = Loading, "
                                "sketch = MinHashing, LSH = Clustering" if td_python else
                                "not run: no Python with text_dedup found (pass --text-dedup-python)"),
            "", sk, "",
        ]
        missing = {name: res["missing"] for r in results for name, res in r["sketch"].items() if res.get("missing")}
        if missing:
            parts += [f"Not run: {', '.join(f'{k} ({v})' for k, v in missing.items())}.", ""]
    parts += ["## Scaling", "", "Seconds per 1,000 articles at each N (flat = linear).", "",
              scaling_table(results, per_k), ""]
    return "\n".join(parts)


# --- main ----------------------------------------------------------------------------

def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], metavar="N")
    ap.add_argument("--repeat", type=int, metavar="K", help="runs per size (default: 3 up to 100,000, else 1)")
    ap.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the real texts")
    ap.add_argument("--work", type=Path, default=corpus.DEFAULT_WORK, help="corpora and scratch files (kept)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the Markdown report")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline-max", type=int, default=100_000, metavar="N",
                    help="datasketch and text-dedup run on at most N articles, extrapolated above")
    ap.add_argument("--timeout", type=float, default=3600, metavar="S", help="seconds per child process")
    ap.add_argument("--skip-baselines", action="store_true", help="only dedup scan")
    ap.add_argument("--generate-only", action="store_true", help="only make the corpora (and time it)")
    ap.add_argument("--text-dedup-python", metavar="PYTHON",
                    help="a Python with text-dedup installed "
                         f"(default: this one if it has it, else {DEFAULT_TEXT_DEDUP})")
    for internal in ("--sketch", "--corpus", "--gold", "--result", "--limit"):  # one sketching child
        ap.add_argument(internal, help=argparse.SUPPRESS,
                        type=int if internal == "--limit" else Path if internal != "--sketch" else str)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.sketch:
        return sketch_child(args)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.generate_only:
        for n in args.sizes:
            t0 = time.perf_counter()
            meta, generated = corpus.ensure(n, args.seed, args.data, args.work)
            print(f"N={n:,}: {'generated' if generated else 'already there'} in {time.perf_counter() - t0:.1f} s "
                  f"(generation {meta['seconds']} s, {meta['bytes'] / MIB:,.0f} MiB) -> "
                  f"{corpus.paths(n, args.seed, args.work)['corpus']}")
        return 0
    td_python = None if args.skip_baselines else text_dedup_python(args.text_dedup_python)
    info = machine()  # the commit and date of the code measured: taken before the runs
    results = []
    for n in args.sizes:
        repeat = args.repeat or (3 if n <= 100_000 else 1)
        results.append(bench_size(n, args, repeat, td_python))
    reference = corpus.reference_check(args.data, args.seed) if (args.data / "bbc-news").is_dir() else None
    text = render(results, ["benchmarks/speed.py", *argv], info, reference, td_python, args.skip_baselines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + kept_sections(args.out), encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


def kept_sections(path: Path) -> str:
    """The sections other benchmarks write into the same file, between their
    ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers: kept as they are."""
    if not path.exists():
        return ""
    found = re.findall(r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", path.read_text(encoding="utf-8"), re.S)
    text = path.read_text(encoding="utf-8")
    return "".join("\n" + text[text.index(f"<!-- {name}:start -->"): text.index(f"<!-- {name}:end -->")
                                  + len(f"<!-- {name}:end -->")] + "\n" for name in found)


if __name__ == "__main__":
    sys.exit(main())
