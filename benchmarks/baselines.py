"""Two peer baselines, scored by :func:`dedup.evaluate.evaluate` exactly like dedup.

Both read the same files as dedup but see the raw ``Article.text`` (a peer has no
dedup cleaning), and both return a :class:`BaselineReport` shaped like
:class:`dedup.model.Report`: ``articles`` with ids, ``pairs`` of :class:`dedup.model.Pair`
(source always None: neither tells who copied whom).

* :func:`minhash_lsh`: datasketch MinHashLSH, threshold 0.5, 128 permutations, word
  5-gram shingles of lower-cased ``\\w+`` tokens; every LSH hit is a positive ("copy").
* :func:`tfidf_cosine`: scikit-learn TfidfVectorizer (default word tokens,
  sublinear_tf) and cosine >= 0.5; every such pair is a positive ("derived").
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dedup.model import Article, Pair, Problem, Relation, Scores
from dedup.ingest import read_articles

MINHASH_THRESHOLD = 0.5
MINHASH_PERM = 128
SHINGLE = 5
# 0.5 is a common near-duplicate cut-off for TF-IDF cosine; it is fixed here on purpose
# and NOT tuned per data set, so the baseline gets no advantage from the gold labels.
TFIDF_THRESHOLD = 0.5
BLOCK = 512  # rows per sparse product; these corpora have at most ~3k documents

_TOKEN = re.compile(r"\w+")


@dataclass
class BaselineReport:
    """What :func:`dedup.evaluate.evaluate` needs from a report, plus timing."""

    method: str
    articles: list[Article]
    pairs: list[Pair]
    problems: list[Problem] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    """Word ``k``-grams of lower-cased ``\\w+`` tokens (the whole text when shorter).

    >>> sorted(shingles("A b c d e F", 5))
    [b'a b c d e', b'b c d e f']
    """
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < k:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i:i + k]).encode() for i in range(len(tokens) - k + 1)}


def _pair(a: Article, b: Article, relation: str, cosine: float | None = None) -> Pair:
    x, y = sorted((a.id, b.id))
    return Pair(x, y, Relation(relation), scores=Scores() if cosine is None else Scores(cosine=round(float(cosine), 4)))


def minhash_lsh(articles: Sequence[Article]) -> BaselineReport:
    """Every MinHashLSH candidate pair as a positive "copy" (no verification)."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=MINHASH_THRESHOLD, num_perm=MINHASH_PERM)
    sigs: dict[int, MinHash] = {}
    for k, a in enumerate(articles):
        sh = shingles(a.text)
        if not sh:
            continue  # no words: nothing to compare
        m = MinHash(num_perm=MINHASH_PERM)
        m.update_batch(list(sh))
        sigs[k] = m
        lsh.insert(str(k), m)
    found: set[tuple[int, int]] = set()
    for k, m in sigs.items():
        for hit in lsh.query(m):
            j = int(hit)
            if j != k:
                found.add((min(j, k), max(j, k)))
    pairs = [_pair(articles[i], articles[j], "copy") for i, j in sorted(found)]
    return BaselineReport("MinHashLSH", list(articles), pairs,
                          stats={"seconds": round(time.perf_counter() - t0, 3)})


def tfidf_cosine(articles: Sequence[Article], threshold: float = TFIDF_THRESHOLD) -> BaselineReport:
    """Every pair with TF-IDF cosine >= ``threshold`` as a positive "derived"."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.perf_counter()
    texts = [a.text or "" for a in articles]
    x = TfidfVectorizer(sublinear_tf=True).fit_transform(texts).tocsr()  # rows are L2-normalised
    xt = x.T.tocsc()
    pairs = []
    for start in range(0, x.shape[0], BLOCK):
        sims = (x[start:start + BLOCK] @ xt).tocoo()
        rows = sims.row + start
        keep = (sims.col > rows) & (sims.data >= threshold)
        for i, j, s in zip(rows[keep], sims.col[keep], sims.data[keep]):
            pairs.append(_pair(articles[i], articles[j], "derived", s))
    return BaselineReport("TF-IDF cosine", list(articles), pairs,
                          stats={"seconds": round(time.perf_counter() - t0, 3)})


def read(paths: Iterable[str]) -> tuple[list[Article], list[Problem]]:
    """The raw articles a baseline compares (the same reader as dedup, no cleaning)."""
    return read_articles(list(paths))


BASELINES = {"MinHashLSH": minhash_lsh, "TF-IDF cosine": tfidf_cosine}

