"""A deterministic synthetic news corpus of N articles, with injected near-duplicates.

Base articles are made from real text (``fixtures/*.txt`` and, under ``--data``,
``bbc-news/``, ``clough-stevenson/texts/`` and ``pan13-no-obfuscation/src/``), which is
read into one token pool and never copied anywhere. Each base article is 12-30
sentences, each sentence starting at a random sentence of the pool (so consecutive
sentences come from unrelated articles). Plain sentence sampling does not scale to a
million articles: the pool has only ~60k sentences, so every sentence would appear in
hundreds of articles and unrelated articles would share whole sentences. Two changes
keep unrelated articles unrelated at any N:

* a sentence is *spliced*: at each word, with probability 1/:data:`SPLICE_EVERY`, it
  continues after another occurrence of the same word elsewhere in the pool (a
  first-order Markov step, so the text stays locally grammatical);
* the rarest word types (those making up :data:`RARE_SHARE` of the pool's words: names,
  numbers, specific terms) are renamed per article, consistently within it, to words
  drawn from a synthetic vocabulary of :data:`SYNTHETIC` made-up words (prefix of one
  real word + suffix of another) or numbers. This also gives the corpus a vocabulary
  that grows with N, as real news does.

The result reads as locally grammatical word salad full of made-up names: it is meant
for timing and recall, not for reading. The meta file's spot check (and the
benchmark report) compare its accidental word 5-gram overlap with real BBC articles'.

Then a fixed share of the articles are variants of a base article (each base has at
most one variant):

* ``copy``: the base verbatim with boilerplate lines added (expected: duplicate or copy);
* ``excerpt``: a contiguous 30-60% run of the base's sentences (expected: partial);
* ``edit``: the base with 1-2 sentences dropped and 3-5 words changed (expected: copy).

Files in the work folder, named by N and seed (kept between runs):

* ``corpus-N-sSEED.jsonl``: one ``{"id": ..., "text": ...}`` per line;
* ``corpus-N-sSEED.gold.csv``: the injected pairs, header ``a,b,kind`` (a = base id);
* ``corpus-N-sSEED.meta.json``: counts, size, generation seconds, a Jaccard spot check.

Articles are generated in chunks of :data:`CHUNK` with their own seeds (``random.Random``
and a numpy generator seeded from (seed, chunk number)), in worker processes, and
streamed to disk in order: the output depends only on N and the seed, and the corpus
of N articles is a prefix of the corpus of a larger N when N is a multiple of CHUNK.

    python benchmarks/corpus.py N [--seed S] [--data DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks"
DEFAULT_WORK = Path(tempfile.gettempdir()) / "dedup-speed"
SOURCES = ("bbc-news/**/*.txt", "clough-stevenson/texts/*.txt", "pan13-no-obfuscation/src/*")

VERSION = 1  # of the generator: a corpus made by another version is made again
CHUNK = 5000  # articles per generation chunk
SHARES = {"copy": 0.05, "excerpt": 0.05, "edit": 0.05}  # share of the N articles per variant kind
SENTENCES = (12, 30)  # sentences per base article
MAX_TOKENS = 1200  # a base article ends here even mid-sentence
SPLICE_EVERY = 5  # mean words between splices within a sentence
PARAGRAPH = 1 / 3  # chance of a paragraph break after a sentence
RARE_SHARE = 0.3  # share of the pool's words whose types are renamed per article
SYNTHETIC = 1 << 19  # synthetic words (and numbers) to rename into
EXCERPT = (0.3, 0.6)  # share of the base's words in an excerpt
BOILERPLATE = (
    "Share this article", "Follow us on Twitter and Facebook", "Sign up for our daily newsletter",
    "Advertisement", "Read more:", "Copyright {year} {outlet}. All rights reserved.",
    "This story was first published by {outlet}.", "Photo: {outlet}", "Click here to subscribe",
    "Related stories", "Comments are closed.", "Report an error",
)
OUTLETS = ("Daily Courier", "The Observer Times", "Metro Wire", "Global Press", "City Gazette", "News Now")

_PUNCT = ".,;:!?"
_FINAL = ".!?"
_ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr no vs inc ltd co corp gen prof rev sen gov".split())
_STRIP = "\"'()[]{}“”‘’«»*"
_JUNK = re.compile(r"[<>{}\[\]|=\\_@#^~`]|https?:|www\.")
_SENTENCE = re.compile(r"(?<=[.!?])(\s+)")


# --- the token pool ------------------------------------------------------------------

def source_files(data: Path) -> list[Path]:
    """The real texts the pool is built from, in a fixed order."""
    files = sorted((REPO / "fixtures").glob("*.txt"))
    for pattern in SOURCES:
        files += sorted(p for p in data.glob(pattern) if p.is_file())
    return files


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def split_token(raw: str) -> list[str]:
    """A whitespace-separated token as a word plus at most one punctuation token."""
    if _JUNK.search(raw):
        return []
    word = raw.strip(_STRIP)
    core = word.rstrip(_PUNCT)
    trail = word[len(core):]
    if not core:
        return []
    if trail.startswith(".") and (core.lower() in _ABBREVIATIONS or len(core) == 1 or "." in core):
        core, trail = core + ".", trail[1:]  # "Mr.", "U.S.", "J."
    return [core, trail[0]] if trail else [core]


def tokenize(text: str) -> list[str]:
    """Pool tokens of ``text``, ending with a sentence end."""
    out = [t for raw in text.split() for t in split_token(raw)]
    if out and out[-1] not in _FINAL:
        out.append(".")
    return out


@dataclass
class Pool:
    """Real text as one token array, with what the generator needs to walk it."""

    tokens: np.ndarray  # token id at each pool position
    strings: np.ndarray  # object array of what each id prints as (words with their leading space):
    # the pool vocabulary, then synthetic lower-case words, capitalised words, numbers, paragraph ends
    final: np.ndarray  # bool per token id: a sentence end
    sentence_starts: np.ndarray  # pool positions that start a sentence
    occurrences: np.ndarray  # pool positions sorted by token id...
    first: np.ndarray  # ...where each id's run starts
    count: np.ndarray  # ...and how long it is
    rare_class: np.ndarray  # per token id: -1 kept, else 0 lower-case, 1 capitalised, 2 number
    paragraph_end: np.ndarray  # per token id: the id of the same sentence end + paragraph break
    common_words: list[str]  # frequent words, for edits
    files: int

    @property
    def vocabulary(self) -> int:
        return int(self.final.size)


def build_pool(data: Path, seed: int = 0) -> Pool:
    files = source_files(data)
    ids: dict[str, int] = {}
    stream: list[int] = []
    for path in files:
        stream.extend(ids.setdefault(t, len(ids)) for t in tokenize(read_text(path)))
    vocab = list(ids)
    tokens = np.asarray(stream, np.int32)
    count = np.bincount(tokens, minlength=len(vocab))
    final = np.array([t in _FINAL for t in vocab])
    is_word = np.array([t not in _PUNCT for t in vocab])
    starts = np.flatnonzero(np.r_[True, final[tokens[:-1]]])
    occurrences = np.argsort(tokens, kind="stable").astype(np.int64)
    first = np.r_[0, np.cumsum(count)[:-1]]
    rare = _rare_types(count, is_word)
    rare_class = np.full(len(vocab), -1, np.int8)
    for t in np.flatnonzero(rare):
        w = vocab[t]
        rare_class[t] = 2 if any(c.isdigit() for c in w) else 1 if w[:1].isupper() else 0
    rng = np.random.default_rng([seed, 0xC0FFEE])
    lower, capital, numbers = _synthetic_words(vocab, count, rng)
    ends = [t for t in vocab if t in _FINAL]
    spaced = [t if t in _PUNCT else " " + t for t in vocab]  # so that texts are plain joins
    synthetic = [" " + w for w in lower + capital + numbers]
    strings = np.array(spaced + synthetic + [e + "\n\n" for e in ends], dtype=object)
    paragraph_end = np.arange(len(vocab))
    base = len(vocab) + 3 * SYNTHETIC
    for k, e in enumerate(ends):
        paragraph_end[ids[e]] = base + k
    common = [vocab[t] for t in np.argsort(-count)[:3000] if is_word[t] and vocab[t].isalpha()]
    return Pool(tokens, strings, final, starts, occurrences, first, count, rare_class,
                paragraph_end, common, len(files))


def _rare_types(count: np.ndarray, is_word: np.ndarray) -> np.ndarray:
    """Word types, least frequent first, that together make RARE_SHARE of the words."""
    words = np.flatnonzero(is_word)
    order = words[np.argsort(count[words], kind="stable")]
    covered = np.cumsum(count[order]) <= RARE_SHARE * count[words].sum()
    rare = np.zeros(count.size, bool)
    rare[order[covered]] = True
    return rare


def _synthetic_words(vocab: list[str], count: np.ndarray, rng: np.random.Generator
                     ) -> tuple[list[str], list[str], list[str]]:
    """SYNTHETIC made-up lower-case words, their capitalised forms, and numbers."""
    letters = sorted({w.lower() for w, c in zip(vocab, count) if w.isalpha() and w.isascii() and len(w) >= 5})
    prefixes = sorted({w[:k] for w in letters for k in (2, 3, 4)})
    suffixes = sorted({w[-k:] for w in letters for k in (3, 4, 5)})
    a = rng.integers(0, len(prefixes), SYNTHETIC)
    b = rng.integers(0, len(suffixes), SYNTHETIC)
    lower = [prefixes[i] + suffixes[j] for i, j in zip(a.tolist(), b.tolist())]
    capital = [w.capitalize() for w in lower]
    numbers = [str(n) for n in rng.integers(2, 100_000, SYNTHETIC).tolist()]
    return lower, capital, numbers


# --- base articles -------------------------------------------------------------------

def walk(pool: Pool, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Token ids (pool vocabulary) of ``n`` base articles, walked in lock-step: an
    ``(n, MAX_TOKENS)`` matrix and each row's length."""
    m = pool.tokens.size
    pos = pool.sentence_starts[rng.integers(0, pool.sentence_starts.size, n)]
    want = rng.integers(SENTENCES[0], SENTENCES[1] + 1, n)
    done_sentences = np.zeros(n, np.int64)
    length = np.zeros(n, np.int64)
    active = np.ones(n, bool)
    out = np.zeros((n, MAX_TOKENS), np.int64)
    for step in range(MAX_TOKENS):
        tok = pool.tokens[pos]
        out[:, step] = tok
        length[active] += 1
        ends = pool.final[tok]
        done_sentences += ends & active
        active &= done_sentences < want
        if not active.any():
            break
        splice = ~ends & (rng.random(n) < 1 / SPLICE_EVERY)
        other = pool.occurrences[pool.first[tok] + (rng.random(n) * pool.count[tok]).astype(np.int64)]
        restart = pool.sentence_starts[rng.integers(0, pool.sentence_starts.size, n)]
        pos = np.where(ends, restart, np.where(splice, other + 1, pos + 1)) % m
    return out[:, :length.max()], length


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (uint64)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def render(pool: Pool, ids: np.ndarray, lengths: np.ndarray, rng: np.random.Generator) -> list[str]:
    """The texts of walked base articles: rare words renamed (the same way throughout one
    article, differently in each), paragraph breaks after some sentence ends."""
    salts = rng.integers(0, 1 << 63, ids.shape[0], dtype=np.uint64)
    cls = pool.rare_class[ids]
    rare = cls >= 0
    with np.errstate(over="ignore"):
        h = _mix(ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + salts[:, None])
    renamed = pool.vocabulary + cls.astype(np.int64) * SYNTHETIC + (h % np.uint64(SYNTHETIC)).astype(np.int64)
    ids = np.where(rare, renamed, ids)
    breaks = pool.final[np.minimum(ids, pool.vocabulary - 1)] & ~rare & (rng.random(ids.shape) < PARAGRAPH)
    ids = np.where(breaks, pool.paragraph_end[np.minimum(ids, pool.vocabulary - 1)], ids)
    strings = pool.strings
    return ["".join(strings[row[:k]].tolist()).replace("\n\n ", "\n\n").strip()
            for row, k in zip(ids, lengths.tolist())]


# --- variants ------------------------------------------------------------------------

def sentence_pieces(text: str) -> list[str]:
    """``text`` cut after each sentence end, separators kept with the sentence before."""
    parts = _SENTENCE.split(text)
    return [parts[k] + (parts[k + 1] if k + 1 < len(parts) else "") for k in range(0, len(parts), 2)]


def boilerplate_copy(text: str, rnd: random.Random) -> str:
    def line() -> str:
        return rnd.choice(BOILERPLATE).format(year=rnd.randint(2005, 2024), outlet=rnd.choice(OUTLETS))

    head = [line()] if rnd.random() < 0.5 else []
    tail = [line() for _ in range(rnd.randint(1, 3))]
    return "\n\n".join([*head, text, *tail])


def excerpt(text: str, rnd: random.Random) -> str:
    pieces = sentence_pieces(text)
    words = [len(p.split()) for p in pieces]
    total, target = sum(words), rnd.uniform(*EXCERPT)
    start = rnd.randrange(len(pieces))
    end, got = start, 0
    while end < len(pieces) and got < target * total:
        got += words[end]
        end += 1
    while got < EXCERPT[0] * total and start > 0:  # ran off the end: extend backwards
        start -= 1
        got += words[start]
    return "".join(pieces[start:end]).strip()


def light_edit(text: str, rnd: random.Random, common: list[str]) -> str:
    pieces = sentence_pieces(text)
    for _ in range(rnd.randint(1, 2)):
        if len(pieces) > 3:
            del pieces[rnd.randrange(len(pieces))]
    words = re.split(r"(\s+)", "".join(pieces).strip())
    slots = [k for k in range(0, len(words), 2) if words[k].isalpha()]
    for k in rnd.sample(slots, min(len(slots), rnd.randint(3, 5))):
        words[k] = rnd.choice(common)
    return "".join(words)


VARIANTS = {"copy": lambda t, r, p: boilerplate_copy(t, r),
            "excerpt": lambda t, r, p: excerpt(t, r),
            "edit": lambda t, r, p: light_edit(t, r, p.common_words)}


# --- chunks and files ----------------------------------------------------------------

_POOL: Pool | None = None


def _init_worker(pool: Pool) -> None:
    global _POOL
    _POOL = pool


def chunk_sizes(n: int) -> list[int]:
    return [min(CHUNK, n - lo) for lo in range(0, n, CHUNK)]


def make_chunk(job: tuple[int, int, int, int, str]) -> tuple[list[tuple[str, str, str]], int]:
    """Write chunk ``index`` (``size`` articles, ids from ``first``) as JSONL to ``part``;
    returns its gold pairs and word count."""
    seed, index, first, size, part = job
    pool = _POOL
    assert pool is not None
    rng = np.random.default_rng([seed, index])
    rnd = random.Random(seed * 1_000_003 + index)
    kinds = [k for k, share in SHARES.items() for _ in range(round(share * size))]
    n_base = size - len(kinds)
    texts = render(pool, *walk(pool, n_base, rng), rng)
    sources = rnd.sample(range(n_base), len(kinds))
    texts += [VARIANTS[kind](texts[s], rnd, pool) for kind, s in zip(kinds, sources)]
    order = list(range(size))
    rnd.shuffle(order)  # article k goes to line order[k] of the chunk
    ids = [f"{first + slot:07d}" for slot in order]
    lines = [""] * size
    for k, slot in enumerate(order):
        lines[slot] = json.dumps({"id": ids[k], "text": texts[k]}, ensure_ascii=False)
    with open(part, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    gold = [(ids[s], ids[n_base + v], kind) for v, (kind, s) in enumerate(zip(kinds, sources))]
    return gold, sum(len(t.split()) for t in texts)


def paths(n: int, seed: int, work: Path) -> dict[str, Path]:
    stem = work / f"corpus-{n}-s{seed}"
    return {"corpus": stem.with_suffix(".jsonl"), "gold": stem.with_suffix(".gold.csv"),
            "meta": stem.with_suffix(".meta.json")}


def generate(n: int, seed: int, data: Path, work: Path, workers: int | None = None,
             progress: bool = True) -> dict:
    """Write the corpus, gold and meta files for ``n`` articles; returns the meta dict."""
    out = paths(n, seed, work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    pool = build_pool(data, seed)
    pool_seconds = time.perf_counter() - t0
    jobs, first = [], 0
    for index, size in enumerate(chunk_sizes(n)):
        jobs.append((seed, index, first, size, str(work / f"{out['corpus'].name}.{index}.part")))
        first += size
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    kinds: Counter[str] = Counter()
    words = 0
    tmp = {k: p.with_name(p.name + ".part") for k, p in out.items()}
    with open(tmp["corpus"], "wb") as fc, open(tmp["gold"], "w", encoding="utf-8", newline="") as fg:
        gold = csv.writer(fg, lineterminator="\n")
        gold.writerow(["a", "b", "kind"])
        with mp.get_context("fork").Pool(workers, initializer=_init_worker, initargs=(pool,)) as procs:
            for job, (pairs, w) in zip(jobs, procs.imap(make_chunk, jobs)):
                with open(job[-1], "rb") as part:
                    shutil.copyfileobj(part, fc, 1 << 24)
                os.unlink(job[-1])
                gold.writerows(pairs)
                kinds.update(kind for _, _, kind in pairs)
                words += w
                if progress:
                    print(f"\rcorpus {n:,}: {job[2] + job[3]:,} articles", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    meta = {
        "version": VERSION, "articles": n, "seed": seed, "bases": n - sum(kinds.values()), "variants": dict(kinds),
        "mean_words": round(words / n, 1), "bytes": tmp["corpus"].stat().st_size,
        "seconds": round(time.perf_counter() - t0, 1), "pool_seconds": round(pool_seconds, 1),
        "pool": {"files": pool.files, "tokens": int(pool.tokens.size), "vocabulary": pool.vocabulary,
                 "sentences": int(pool.sentence_starts.size)},
        "workers": workers,
    }
    meta["spot_check"] = spot_check(tmp["corpus"], tmp["gold"], seed)
    tmp["meta"].write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    for k in ("corpus", "gold", "meta"):
        os.replace(tmp[k], out[k])
    return meta


def ensure(n: int, seed: int, data: Path, work: Path, progress: bool = True) -> tuple[dict, bool]:
    """The meta of the corpus for ``n`` (generated when missing) and whether it was generated now."""
    out = paths(n, seed, work)
    if all(p.exists() for p in out.values()):
        meta = json.loads(out["meta"].read_text(encoding="utf-8"))
        if meta.get("version") == VERSION:
            return meta, False
    return generate(n, seed, data, work, progress=progress), True


def read_gold(path: Path) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["a"], r["b"], r["kind"]) for r in csv.DictReader(f)]


def read_texts(path: Path, limit: int | None = None) -> tuple[list[str], list[str]]:
    """Ids and texts of the first ``limit`` (default all) articles of a corpus."""
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(ids) >= limit:
                break
            row = json.loads(line)
            ids.append(row["id"])
            texts.append(row["text"])
    return ids, texts


# --- spot check ----------------------------------------------------------------------

SPOT_DOCS = 20_000  # bases compared (the first ones of the corpus)
SPOT_SAMPLE = 200  # bases whose most similar other base is searched
SPOT_PAIRS = 2000  # random base pairs
SPOT_SHARED = 5  # "sharing" means this many word 5-grams in common


def shingle_set(text: str) -> np.ndarray:
    """xxh3 hashes of the word 5-grams of lower-cased ``\\w+`` tokens."""
    import xxhash

    words = re.findall(r"\w+", text.lower())
    grams = (" ".join(words[i:i + 5]) for i in range(max(len(words) - 4, 1)))
    return np.unique(np.fromiter((xxhash.xxh3_64_intdigest(g.encode()) for g in grams), np.uint64))


def overlap(texts: list[str], seed: int) -> dict:
    """Word 5-gram overlap among ``texts``, which should hold no intended near-duplicates.

    ``random_pairs``: Jaccard over SPOT_PAIRS random pairs (mean, max); ``nearest``: for
    SPOT_SAMPLE sampled texts, the Jaccard of the most similar other text (median, max)
    and how many other texts share SPOT_SHARED or more 5-grams with it, also per
    million pairs (comparable between corpora of different sizes).
    """
    sets = [shingle_set(t) for t in texts]
    rnd = random.Random(seed)
    n = len(sets)
    jac = [_jaccard(sets[a], sets[b]) for a, b in (rnd.sample(range(n), 2) for _ in range(SPOT_PAIRS))]
    sizes = np.array([s.size for s in sets])
    owner = np.repeat(np.arange(n), sizes)
    values = np.concatenate(sets)
    order = np.argsort(values, kind="stable")
    values, owner = values[order], owner[order]
    nearest, sharing = [], []
    for d in rnd.sample(range(n), min(SPOT_SAMPLE, n)):
        lo = np.searchsorted(values, sets[d], "left")
        hi = np.searchsorted(values, sets[d], "right")
        hits = owner[np.concatenate([np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist())])]
        inter = np.bincount(hits, minlength=n)
        inter[d] = 0
        nearest.append(float((inter / np.maximum(sizes + sizes[d] - inter, 1)).max()))
        sharing.append(int((inter >= SPOT_SHARED).sum()))
    return {
        "texts": n,
        "random_pairs": {"pairs": len(jac), "mean": round(float(np.mean(jac)), 5), "max": round(max(jac), 4)},
        "nearest": {"sampled": len(nearest), "median": round(float(np.median(nearest)), 4),
                    "max": round(max(nearest), 4), "sharing": round(float(np.mean(sharing)), 2),
                    "sharing_per_million_pairs": round(float(np.mean(sharing)) / (n - 1) * 1e6, 1)},
    }


def spot_check(corpus: Path, gold: Path, seed: int) -> dict:
    """:func:`overlap` among the first SPOT_DOCS base articles of a corpus (variants left out)."""
    variants = {b for _, b, _ in read_gold(gold)}
    ids, texts = read_texts(corpus, SPOT_DOCS + len(variants))
    return overlap([t for i, t in zip(ids, texts) if i not in variants][:SPOT_DOCS], seed)


def reference_check(data: Path, seed: int) -> dict:
    """:func:`overlap` among the real BBC articles (exact duplicates after whitespace removed)."""
    texts: dict[str, str] = {}
    for path in sorted((data / "bbc-news").glob("*/*.txt")):
        text = read_text(path)
        texts.setdefault(" ".join(text.split()), text)
    return overlap(list(texts.values()), seed)


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / max(a.size + b.size - inter, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = ap.parse_args(argv)
    meta = generate(args.n, args.seed, args.data, args.work)
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
