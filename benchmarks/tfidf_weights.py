"""TF-IDF weights (sublinear tf x smooth idf, L2 rows, float32) of dedup's own term counts:
the shipped scikit-learn code against the hand-written code it replaced and against a
plain ``TfidfTransformer``, on the same matrix in the same run.

Methods (each run ``--repeat`` times, a fresh child process per run, interleaved):

* ``dedup``: ``document_frequencies`` + ``smooth_idf`` set as the ``idf_`` of a
  ``TfidfTransformer(sublinear_tf=True)``, then ``weigh`` (in place, row blocks), all
  imported from ``dedup.confirm.tfidf``, as ``Confirmer.fit`` does;
* ``hand-written (before)``: ``Confirmer.fit``'s idf line and ``Confirmer._weigh``, copied
  verbatim below from commit 9a4d985, dedup/confirm.py;
* ``sklearn plain``: ``TfidfTransformer(sublinear_tf=True).fit(X)`` then
  ``.transform(X, copy=False)`` on the whole matrix: the reference for exactness.

Measured: median wall seconds of the idf phase and the weights phase; the child's peak RSS
(``VmHWM``) and each phase's peak over the RSS before it (``VmHWM`` reset before each phase;
``getrusage`` would report the parent's peak, inherited across fork + exec); against
``sklearn plain``: weights and idf bit-identical?, max |weight diff|, and over ~300k row
pairs (random, sharing a rare term, the corpus's true copies) the max |cosine diff| and the
pairs that change side of the related / derived cosines (0.2, 0.3). Also max |diff| from
float64 weights on the first rows. Sizes above the corpus's rows stack its matrix.

Corpus (its ``.truth.json`` gives the true copies; the featurized matrix is cached in
``--work``)::

    python3 ../shared/bench/make_pool.py /tmp/tfidf-bench/pool.txt
    python3 ../shared/bench/make_corpus.py /tmp/tfidf-bench/pool.txt 100000 /tmp/tfidf-bench/u100k --mutate 0.3

Run from the repository root (``--out``: also write its section into that file, between the
``<!-- tfidf:start -->`` and ``<!-- tfidf:end -->`` markers, the rest kept)::

    .venv/bin/python benchmarks/tfidf_weights.py --corpus /tmp/tfidf-bench/u100k.jsonl \\
        --rows 100000 1000000 --repeat 3 --work /tmp/tfidf-bench --out reports/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from index_latency import write_section  # noqa: E402  (benchmarks/index_latency.py)

START, END = "<!-- tfidf:start -->", "<!-- tfidf:end -->"
sys.path.insert(0, str(REPO))  # dedup from this checkout

from dedup.params import DEFAULT  # noqa: E402

METHODS = {"dedup": "dedup", "hand": "hand-written (before)", "sklearn": "sklearn plain"}
REFERENCE = "sklearn"
THRESHOLDS = (DEFAULT.related_cosine, DEFAULT.derived_cosine)  # 0.2, 0.3
MiB = 1 << 20


# ---------------------------------------------------------------- the code before the switch

class HandWritten:
    """The hand-written TF-IDF replaced by scikit-learn: the idf lines of ``Confirmer.fit``
    (the ``corpus is None`` branch) and ``Confirmer._weigh``, verbatim from commit 9a4d985,
    dedup/confirm.py."""

    def fit(self, compact: sparse.csr_matrix) -> HandWritten:
        # --- verbatim from 9a4d985 dedup/confirm.py, Confirmer.fit
        df, n = np.bincount(compact.indices, minlength=compact.shape[1]), compact.shape[0]
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        # --- end verbatim
        return self

    # --- verbatim from 9a4d985 dedup/confirm.py, Confirmer._weigh
    def _weigh(self, counts: sparse.csr_matrix, copy: bool = True, block: int = 1 << 16) -> sparse.csr_matrix:
        """Sublinear TF times IDF, rows scaled to unit length (scikit-learn's
        ``TfidfTransformer(sublinear_tf=True).transform``, tested equal), ``block`` rows at a time."""
        m = counts.astype(np.float32, copy=copy)
        for lo in range(0, m.shape[0], block):
            hi = min(lo + block, m.shape[0])
            a, b = m.indptr[lo], m.indptr[hi]
            if a == b:
                continue
            data = m.data[a:b]
            np.log(data, out=data)
            data += 1
            data *= self.idf_[m.indices[a:b]]
            sizes = np.diff(m.indptr[lo: hi + 1])
            nonempty = np.flatnonzero(sizes)
            norms = np.sqrt(np.add.reduceat(data.astype(np.float64) ** 2, (m.indptr[lo:hi] - a)[nonempty]))
            data /= np.repeat(np.maximum(norms, 1e-12), sizes[nonempty]).astype(np.float32)
        return m
    # --- end verbatim


# ---------------------------------------------------------------- child process

def _status(key: str) -> int:
    """A ``/proc/self/status`` memory figure in bytes (``VmRSS``: now; ``VmHWM``: peak)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _load(prefix: str) -> sparse.csr_matrix:
    meta = json.loads(Path(prefix + ".json").read_text())
    data, indices, indptr = (np.load(f"{prefix}.{k}.npy") for k in ("data", "indices", "indptr"))
    m = sparse.csr_matrix((data, indices, indptr), shape=tuple(meta["shape"]), copy=False)
    assert all(np.shares_memory(x, y) for x, y in ((m.data, data), (m.indices, indices), (m.indptr, indptr))), "copied"
    return m


def child(method: str, prefix: str, save: str | None) -> dict:
    import gc

    from sklearn.feature_extraction.text import TfidfTransformer  # imported by every method: same baseline

    from dedup.confirm.tfidf import document_frequencies, smooth_idf, weigh

    X = _load(prefix)
    data = X.data
    gc.collect()
    load = os.getloadavg()[0]
    peak_load = _status("VmHWM")
    reset = _reset_peak()
    rss0 = _status("VmRSS")
    cpu0, t0 = time.process_time(), time.perf_counter()
    # phase 1: document frequencies and idf
    if method == "dedup":  # as Confirmer.fit
        df, n = document_frequencies(X), X.shape[0]
        t = TfidfTransformer(sublinear_tf=True)
        t.idf_ = smooth_idf(df, n)
        idf = t.idf_
    elif method == "hand":
        h = HandWritten().fit(X)
        idf = h.idf_
    else:
        t = TfidfTransformer(sublinear_tf=True).fit(X)
        idf = t.idf_
    t1 = time.perf_counter()
    peak_fit = _status("VmHWM")
    rss1 = _status("VmRSS")
    _reset_peak()
    # phase 2: the weights
    if method == "dedup":
        out = weigh(t, X)
    elif method == "hand":
        out = h._weigh(X, copy=False)
    else:
        out = t.transform(X, copy=False)
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu0
    peak_weigh = _status("VmHWM")
    res = {
        "method": method, "seconds": t2 - t0, "cpu": cpu, "load_start": load, "load_end": os.getloadavg()[0],
        "fit_seconds": t1 - t0, "weigh_seconds": t2 - t1, "rss_before": rss0,
        "peak": max(peak_load, peak_fit, peak_weigh),
        "extra": max(peak_fit - rss0, peak_weigh - rss0) if reset else None,
        "extra_fit": peak_fit - rss0 if reset else None, "extra_weigh": peak_weigh - rss1 if reset else None,
        "out_type": type(out).__name__, "out_dtype": str(out.dtype), "idf_dtype": str(idf.dtype),
        "in_place": bool(np.shares_memory(out.data, data)),
    }
    if save:
        np.save(save + ".data.npy", out.data)
        np.save(save + ".idf.npy", idf)
    return res


# ---------------------------------------------------------------- parent: the matrix

def _featurize_corpus(corpus: Path, work: Path, batch: int = 1000) -> tuple[str, int, list[str]]:
    """The corpus's term counts, compacted as Confirmer.fit does, cached in ``work``."""
    prefix = str(work / f"{corpus.stem}.counts")
    ids_path = Path(prefix + ".ids.json")
    st = corpus.stat()
    key = {"corpus": str(corpus.resolve()), "size": st.st_size, "mtime": st.st_mtime,
           "featurizer": "dedup.sketch.featurize", "sketch": DEFAULT.of_stage("sketch")}
    if Path(prefix + ".json").exists() and ids_path.exists():
        meta = json.loads(Path(prefix + ".json").read_text())
        if meta.get("key") == key:
            return prefix, meta["shape"][0], json.loads(ids_path.read_text())
    from dedup.sketch import featurize

    ids, bodies, blocks = [], [], []
    t0 = time.perf_counter()
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            ids.append(rec.get("id", str(len(ids))))
            bodies.append(rec["text"])
            if len(bodies) == batch:
                blocks.append(featurize(bodies).terms.tocsr())
                bodies = []
    if bodies:
        blocks.append(featurize(bodies).terms.tocsr())
    counts = sparse.vstack(blocks, format="csr")
    del blocks
    print(f"featurized {counts.shape[0]} bodies in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    # the hashed columns in use, numbered densely in hashed order (as Confirmer.fit)
    present = np.zeros(counts.shape[1], bool)
    present[counts.indices] = True
    columns = np.flatnonzero(present)
    column_of = np.full(counts.shape[1], -1, np.int32)
    column_of[columns] = np.arange(columns.size, dtype=np.int32)
    indices = column_of[counts.indices].astype(np.int32)
    data = counts.data.astype(np.float32)
    indptr = counts.indptr.astype(np.int64 if counts.nnz >= 2**31 else np.int32)
    _save(prefix, data, indices, indptr, (counts.shape[0], int(columns.size)), key=key)
    ids_path.write_text(json.dumps(ids))
    return prefix, counts.shape[0], ids


def _save(prefix: str, data, indices, indptr, shape, **extra) -> None:
    for k, a in (("data", data), ("indices", indices), ("indptr", indptr)):
        np.save(f"{prefix}.{k}.npy", a)
    Path(prefix + ".json").write_text(json.dumps({"shape": list(shape), "nnz": int(data.size), **extra}))


def _matrix_of(base: str, base_rows: int, rows: int, work: Path) -> str:
    """``rows`` rows: the first of the base matrix, or it stacked (repeated) as often as needed."""
    prefix = str(work / f"counts.{rows}")
    if Path(prefix + ".json").exists():
        meta = json.loads(Path(prefix + ".json").read_text())
        if meta.get("base") == base and meta.get("base_mtime") == os.path.getmtime(base + ".json"):
            return prefix
    m = _load(base)
    reps = -(-rows // base_rows)
    nnz_total = m.nnz * reps
    idx_t = np.int64 if nnz_total >= 2**31 else np.int32
    indptr = np.concatenate([m.indptr[:-1].astype(np.int64) + k * m.nnz for k in range(reps)] + [[nnz_total]])
    indptr = indptr[: rows + 1].astype(idx_t)
    end = int(indptr[-1])
    data = np.tile(m.data, reps)[:end]
    indices = np.tile(m.indices, reps)[:end].astype(idx_t, copy=False)
    _save(prefix, data, indices, indptr, (rows, m.shape[1]), base=base, base_mtime=os.path.getmtime(base + ".json"))
    return prefix


# ---------------------------------------------------------------- parent: comparisons

def _df(m: sparse.csr_matrix, chunk: int = 1 << 24) -> np.ndarray:
    """Document frequencies, a chunk of indices at a time (np.bincount copies them to int64)."""
    df = np.zeros(m.shape[1], np.int64)
    for lo in range(0, m.indices.size, chunk):
        df += np.bincount(m.indices[lo: lo + chunk], minlength=m.shape[1])
    return df


def _pairs(m: sparse.csr_matrix, rows: int, ids: list[str], truth: Path | None, n_pairs: int,
           seed: int = 0) -> tuple[np.ndarray, dict[str, int]]:
    """Row pairs: uniform random, sharing a rare term (df 2..50), and the corpus's true copies;
    above the base matrix's rows the last two kinds are spread over the repeated blocks."""
    rng = np.random.default_rng(seed)
    base = m.shape[0]
    rand = rng.integers(0, rows, (n_pairs * 2 // 3, 2))
    df = _df(m)
    order = np.argsort(m.indices, kind="stable")
    colptr = np.concatenate([[0], np.cumsum(df)])
    rare = np.flatnonzero((df[m.indices] >= 2) & (df[m.indices] <= 50))
    k = rare[rng.integers(0, rare.size, n_pairs - rand.shape[0])]
    c = m.indices[k]
    partner = order[colptr[c] + (rng.random(c.size) * df[c]).astype(np.int64)]
    row_of = lambda pos: np.searchsorted(m.indptr, pos, side="right") - 1  # noqa: E731
    share = np.stack([row_of(k), row_of(partner)], axis=1)
    true = []
    if truth is not None and truth.exists():
        pos = {d: i for i, d in enumerate(ids[:base])}
        for cl in json.loads(truth.read_text())["clusters"]:
            r = [pos[d] for d in cl if d in pos]
            true += [(r[0], x) for x in r[1:]]
    true = np.array(true, np.int64).reshape(-1, 2)
    local = np.concatenate([share, true])
    if rows > base:
        local = local + base * rng.integers(0, rows // base, local.shape)
    p = np.concatenate([rand, local])
    keep = (p[:, 0] != p[:, 1]) & (p.max(axis=1) < rows)
    kinds = {"random": int(keep[: len(rand)].sum()), "share a rare term": int(keep[len(rand): len(rand) + len(share)].sum()),
             "true copies": int(keep[len(rand) + len(share):].sum())}
    return p[keep], kinds


def _cosines(docs: sparse.csr_matrix, pairs: np.ndarray, batch: int = 1 << 16) -> np.ndarray:
    """As dedup.confirm.Confirmer.cosines."""
    out = np.empty(len(pairs), np.float32)
    for lo in range(0, len(pairs), batch):
        p = pairs[lo: lo + batch]
        out[lo: lo + batch] = np.asarray(docs[p[:, 0]].multiply(docs[p[:, 1]]).sum(axis=1)).ravel()
    return out


def _exact(counts: sparse.csr_matrix, df: np.ndarray, n: int, rows: int) -> np.ndarray:
    """The weights of the first ``rows`` rows in float64 (idf from the whole matrix's ``df``)."""
    a = counts.indptr[rows]
    w = (np.log(counts.data[:a].astype(np.float64)) + 1) * (np.log((1 + n) / (1 + df)) + 1)[counts.indices[:a]]
    sq = np.add.reduceat(w * w, counts.indptr[:rows]) * (np.diff(counts.indptr[: rows + 1]) > 0)
    return w / np.repeat(np.sqrt(np.maximum(sq, 1e-300)), np.diff(counts.indptr[: rows + 1]))


def _diff(a: np.ndarray, b: np.ndarray, chunk: int = 1 << 24) -> tuple[float, int, int]:
    """Max |a - b|, how many entries differ and the max difference in ulps (float32), a
    chunk at a time (no full-size temporaries)."""
    top, n, ulps = 0.0, 0, 0
    for lo in range(0, a.size, chunk):
        x, y = a[lo: lo + chunk], b[lo: lo + chunk]
        top = max(top, float(np.abs(x - y).max()))
        n += int(np.count_nonzero(x != y))
        ulps = max(ulps, _ulps(x, y))
    return top, n, ulps


def _ulps(a: np.ndarray, b: np.ndarray) -> int:
    """Max distance in float32 units in the last place (both arrays of one sign: weights, idf)."""
    ia, ib = a.view(np.int32).astype(np.int64), b.view(np.int32).astype(np.int64)
    return int(np.abs(ia - ib).max()) if a.size else 0


def _median(rs: list[dict], key: str) -> float | None:
    return statistics.median(x[key] for x in rs) if all(x[key] is not None for x in rs) else None


def _mib(v: float | None) -> str:
    return "n/a" if v is None else f"{v / MiB:,.0f}"


# ---------------------------------------------------------------- parent: runs and report

def _run_child(method: str, prefix: str, save: str | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", method, "--matrix", prefix]
    if save:
        cmd += ["--save", save]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{method} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(rows: int, prefix: str, base_prefix: str, base_rows: int, ids: list[str], truth: Path | None,
            args, out: list[str]) -> dict[str, dict]:
    """Run the methods on ``rows`` rows, append their section to ``out``, return the figures."""
    work = Path(args.work) / f"out.{rows}"
    work.mkdir(parents=True, exist_ok=True)
    keys = list(METHODS)
    runs: dict[str, list[dict]] = {m: [] for m in keys}
    for r in range(args.repeat):
        for meth in keys[r % len(keys):] + keys[: r % len(keys)]:  # interleaved, the order rotated each round
            res = _run_child(meth, prefix, str(work / meth) if r == 0 else None)
            runs[meth].append(res)
            print(f"  {rows} {meth} run {r + 1}: {res['seconds']:.2f} s (idf {res['fit_seconds']:.2f}), "
                  f"peak {res['peak'] / MiB:.0f} MiB, +{_mib(res['extra_fit'])} / +{_mib(res['extra_weigh'])} MiB, "
                  f"load {res['load_start']:.2f}", file=sys.stderr)

    counts = _load(prefix)
    n, ncols = counts.shape
    pairs, kinds = _pairs(_load(base_prefix), rows, ids, truth, args.pairs)
    ref_w = np.load(str(work / REFERENCE) + ".data.npy")
    ref_idf = np.load(str(work / REFERENCE) + ".idf.npy")
    exact_rows = min(base_rows, rows)
    exact = _exact(counts, _df(counts), n, exact_rows)
    ea = exact.size
    docs = sparse.csr_matrix((ref_w, counts.indices, counts.indptr), shape=counts.shape, copy=False)
    ref_cos = _cosines(docs, pairs)

    matrix_mib = (counts.data.nbytes + counts.indices.nbytes + counts.indptr.nbytes) / MiB
    how = ("the corpus's first rows" if rows <= base_rows
           else f"the {base_rows:,}-row matrix stacked {-(-rows // base_rows)} times (rows repeated)")
    out.append(f"\n### {rows:,} rows\n")
    out.append(f"Matrix: {how}; {ncols:,} used term columns, {counts.nnz:,} non-zeros, {matrix_mib:,.0f} MiB as "
               f"CSR (float32 data, {counts.indices.dtype} indices). Pairs: {len(pairs):,} "
               f"({', '.join(f'{v:,} {k}' for k, v in kinds.items())}); sklearn plain's cosines "
               + ", ".join(f">= {t}: {int((ref_cos >= t).sum()):,}" for t in THRESHOLDS)
               + ", within 0.05 of a threshold: "
               + f"{int(np.any([np.abs(ref_cos - t) <= 0.05 for t in THRESHOLDS], axis=0).sum()):,}.\n")
    out.append("| method | median s (runs) | idf / weights s | peak RSS MiB | extra MiB: idf / weights "
               "| weights vs sklearn plain | idf vs sklearn plain | max abs diff vs float64 "
               "| max abs cosine diff | pairs crossing " + " / ".join(str(t) for t in THRESHOLDS) + " | in place |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    figures, notes = {}, []
    for meth, label in METHODS.items():
        rs = runs[meth]
        secs = [x["seconds"] for x in rs]
        w = ref_w if meth == REFERENCE else np.load(str(work / meth) + ".data.npy")
        idf = ref_idf if meth == REFERENCE else np.load(str(work / meth) + ".idf.npy")
        wdiff, ndiff, wulps = _diff(w, ref_w)
        idf_same = idf.dtype == ref_idf.dtype and np.array_equal(idf.view(np.uint32), ref_idf.view(np.uint32))
        n_idf = int(np.count_nonzero(idf != ref_idf))
        exdiff = float(np.abs(w[:ea].astype(np.float64) - exact).max()) if ea else 0.0
        if meth == REFERENCE:
            cos = ref_cos
        else:
            cos = _cosines(sparse.csr_matrix((w, counts.indices, counts.indptr), shape=counts.shape, copy=False), pairs)
        cdiff = float(np.abs(cos.astype(np.float64) - ref_cos).max()) if len(pairs) else 0.0
        cross = [int(np.count_nonzero((cos >= t) != (ref_cos >= t))) for t in THRESHOLDS]
        figures[meth] = {
            "seconds": statistics.median(secs), "fit": statistics.median(x["fit_seconds"] for x in rs),
            "weigh": statistics.median(x["weigh_seconds"] for x in rs),
            "peak": statistics.median(x["peak"] for x in rs), "extra": _median(rs, "extra"),
            "wdiff": wdiff, "ndiff": ndiff, "wulps": wulps, "nnz": int(w.size), "idf_same": idf_same, "n_idf": n_idf,
            "cdiff": cdiff, "cross": cross, "pairs": len(pairs),
            "load": max(x["load_end"] for x in rs),
        }
        if meth == REFERENCE:
            wcell, icell = "reference", "reference"
        else:
            wcell = ("bit-identical" if ndiff == 0
                     else f"{ndiff:,} of {w.size:,} differ, max {wdiff:.2e} ({wulps} ulp)")
            icell = ("bit-identical" if idf_same
                     else f"{n_idf:,} of {idf.size:,} differ, max {_ulps(idf, ref_idf)} ulp")
        out.append(f"| {label} | {statistics.median(secs):.2f} ({', '.join(f'{s:.2f}' for s in secs)}) "
                   f"| {figures[meth]['fit']:.2f} / {figures[meth]['weigh']:.2f} "
                   f"| {figures[meth]['peak'] / MiB:,.0f} "
                   f"| {_mib(_median(rs, 'extra_fit'))} / {_mib(_median(rs, 'extra_weigh'))} "
                   f"| {wcell} | {icell} | {exdiff:.2e} | {cdiff:.2e} | {' / '.join(map(str, cross))} "
                   f"| {'yes' if rs[0]['in_place'] else 'NO (copy)'}, {rs[0]['out_dtype']} |")
        notes.append(f"{label}: load average {min(x['load_start'] for x in rs):.2f}-{max(x['load_end'] for x in rs):.2f}; "
                     f"median CPU {statistics.median(x['cpu'] for x in rs):.2f} s; RSS before the method "
                     f"{statistics.median(x['rss_before'] for x in rs) / MiB:,.0f} MiB; returns {rs[0]['out_type']}, "
                     f"idf_ {rs[0]['idf_dtype']}")
    out.append("")
    out.extend(f"- {x}" for x in notes)
    return figures


def _share(k: int, total: int) -> str:
    return f"{k:,} of {total:,}" if k else "none"


def conclusion(summary: dict[int, dict[str, dict]], nproc: int, loads: list[float]) -> str:
    """One paragraph from the figures: exactness at every size, cost at the largest."""
    sizes = sorted(summary)
    where = "at every size" if len(sizes) > 1 else f"at {sizes[0]:,} rows"
    d_bad = [r for r in sizes if summary[r]["dedup"]["ndiff"] or not summary[r]["dedup"]["idf_same"]]
    if not d_bad:
        text = f"dedup's weights equal scikit-learn's bit for bit, idf included, {where}"
    else:
        text = "dedup's weights are NOT bit-identical to scikit-learn's: " + "; ".join(
            f"at {r:,} rows {_share(summary[r]['dedup']['ndiff'], summary[r]['dedup']['nnz'])} weights differ "
            f"(max {summary[r]['dedup']['wdiff']:.1e}), idf {'equal' if summary[r]['dedup']['idf_same'] else 'different'}"
            for r in d_bad)
    hand = [summary[r]["hand"] for r in sizes]
    worst = max(hand, key=lambda f: f["ndiff"] / max(f["nnz"], 1))
    if not any(f["ndiff"] for f in hand):
        text += "; so are the hand-written code's"
    else:
        text += (f"; the hand-written code's differ by at most {max(f['wdiff'] for f in hand):.1e} "
                 f"({max(f['wulps'] for f in hand)} ulp; up to {worst['ndiff'] / worst['nnz']:.1%} of the weights), "
                 f"its cosines by at most {max(f['cdiff'] for f in hand):.1e}")
        crossed = [sum(f["cross"][i] for f in hand) for i in range(len(THRESHOLDS))]
        if not any(crossed):
            sampled = " / ".join(f"{summary[r]['hand']['pairs']:,}" for r in sizes)
            text += f", and no sampled pair ({sampled}) changes side of {' or '.join(map(str, THRESHOLDS))}"
        else:
            text += (", and " + " / ".join(f"{c:,}" for c in crossed) + " sampled pairs (all sizes) change side of "
                     + " / ".join(map(str, THRESHOLDS)))
    big = sizes[-1]
    f = summary[big]
    d, h, s = f["dedup"], f["hand"], f["sklearn"]
    text += (f". At {big:,} rows dedup takes {d['seconds']:.2f} s (idf {d['fit']:.2f} s + weights {d['weigh']:.2f} s) "
             f"against {h['seconds']:.2f} s hand-written and {s['seconds']:.2f} s sklearn plain (medians), with a peak "
             f"RSS of {d['peak'] / MiB:,.0f} MiB against {h['peak'] / MiB:,.0f} and {s['peak'] / MiB:,.0f} MiB "
             f"({_mib(d['extra'])}, {_mib(h['extra'])} and {_mib(s['extra'])} MiB above the loaded matrix).")
    top = max(loads + [x["load"] for fs in summary.values() for x in fs.values()])
    if top > nproc / 2:
        text += (f" The load average reached {top:.2f} on {nproc} CPUs during the run: the timings are indicative "
                 f"only.")
    return text


def _git(*cmd: str) -> str:
    r = subprocess.run(["git", "--no-optional-locks", "-C", str(REPO), *cmd], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else ""


def _command(argv: list[str]) -> str:
    """The command line that regenerates the report, from the directory it ran in."""
    cwd = Path.cwd()
    exe = Path(sys.executable)
    exe_s = os.path.relpath(exe, cwd) if exe.is_relative_to(cwd) else str(exe)
    cmd = shlex.join([exe_s, sys.argv[0], *argv])
    return cmd if cwd.resolve() == REPO else f"cd {shlex.quote(str(cwd))} && {cmd}"


def _machine() -> str:
    import scipy
    import sklearn

    cpu = platform.processor() or "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = "?"
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
        ram = f"{kb / (1 << 20):.1f} GiB"
    except (OSError, StopIteration):
        pass
    return (f"nproc {len(os.sched_getaffinity(0))} ({cpu}), RAM {ram}; Python {platform.python_version()}, "
            f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/tfidf-bench/u100k.jsonl", help="JSONL with 'text' (and 'id')")
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/tfidf-bench", help="cached matrices and each method's weights")
    ap.add_argument("--pairs", type=int, default=300_000, help="random + rare-term pairs (true copies added)")
    ap.add_argument("--out", help="also write the Markdown section into this file (between its markers, the rest "
                                  "kept), e.g. reports/performance.md")
    ap.add_argument("--child", choices=list(METHODS), help=argparse.SUPPRESS)
    ap.add_argument("--matrix", help=argparse.SUPPRESS)
    ap.add_argument("--save", help=argparse.SUPPRESS)
    argv = sys.argv[1:] if argv is None else argv
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.matrix, args.save)))
        return

    started = dt.datetime.now().astimezone()
    load0 = os.getloadavg()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = Path(args.corpus)
    truth = corpus.with_name(corpus.name.removesuffix(".jsonl") + ".truth.json")
    base, base_rows, ids = _featurize_corpus(corpus, work)
    body: list[str] = []
    summary = {}
    for rows in args.rows:
        prefix = base if rows == base_rows else _matrix_of(base, base_rows, rows, work)
        summary[rows] = measure(rows, prefix, base, base_rows, ids, truth, args, body)
    load1 = os.getloadavg()

    head = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = "+dirty" if _git("status", "--porcelain") else ""
    shipped = _git("hash-object", "dedup/confirm/tfidf.py")
    at_head = _git("rev-parse", "HEAD:dedup/confirm/tfidf.py")
    state = "as committed at HEAD" if shipped and shipped == at_head else ("modified since HEAD" if at_head else "not in HEAD")
    nproc = len(os.sched_getaffinity(0))
    la = lambda v: " / ".join(f"{x:.2f}" for x in v)  # noqa: E731
    report = [
        START,
        "## TF-IDF weights: scikit-learn (shipped) against the hand-written code it replaced\n",
        f"Regenerate: `{_command(argv)}`  ",
        f"Date: {started.isoformat(timespec='seconds')}; commit {head}{dirty} "
        f"(dedup/confirm/tfidf.py blob {shipped[:10] or '?'}, {state}).  ",
        f"Machine: {_machine()}.  ",
        f"Load average (1 / 5 / 15 min): {la(load0)} at start, {la(load1)} at end.\n",
        f"What is measured: the TF-IDF weights (sublinear tf x smooth idf, rows of unit length, float32, in "
        f"place) of the term counts of {corpus.name} ({base_rows:,} articles) as dedup's `featurize` gives them, "
        f"used columns numbered densely as `Confirmer.fit` does; sizes above {base_rows:,} rows repeat its rows. "
        f"**dedup** is the shipped code of `dedup.confirm.tfidf` (`document_frequencies` + `smooth_idf` as the "
        f"`idf_` of a `TfidfTransformer(sublinear_tf=True)`, then `weigh` in blocks of rows); **hand-written "
        f"(before)** is the code it replaced (commit 9a4d985, dedup/confirm.py: `np.bincount` df, float64 idf "
        f"cast to float32, `Confirmer._weigh`); **sklearn plain** is `TfidfTransformer(sublinear_tf=True)"
        f".fit(X)` then `.transform(X, copy=False)`, the reference for exactness. Each run is a fresh child "
        f"process that loads the matrix; {args.repeat} run(s) per method, interleaved (order rotated each "
        f"round); seconds are wall-clock medians, split into the idf phase (document frequencies + idf) and the "
        f"weights phase. Peak RSS is the child's VmHWM; extra MiB is the peak during each phase (VmHWM reset "
        f"just before it) minus the RSS just before it. Weights and idf are compared with sklearn plain's; "
        f"float64 weights are computed on the first {min(base_rows, min(args.rows)):,} rows; cosines "
        f"(as `Confirmer.cosines`) are compared over sampled row pairs, counting the pairs that change side of "
        f"the related / derived cosines {' / '.join(map(str, THRESHOLDS))}.",
        *body,
        "\n### Conclusion\n",
        conclusion(summary, nproc, [load0[0], load1[0]]),
        END,
    ]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        write_section(Path(args.out), text.rstrip("\n").split("\n"), START, END)
        print(f"written: its section of {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
