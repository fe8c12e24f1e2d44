"""A learned decision between partial, derived and no derivation, over a pair's measures.

A multinomial logistic regression, trained by ``benchmarks/relation_model.py`` on the dev
part of the development set (``benchmarks/devset``) and shipped as plain numbers in
:mod:`dedup.relation.weights`: each class's score is ``intercept + coef · z``, ``z`` the
pair's :data:`FEATURES` standardised by the training means and scales; the highest
score wins. Everything here is numpy over all pairs of a block at once.

>>> from dedup.confirm import Comparison
>>> c = Comparison(0, 1, cosine=0.6, containment_ab=0.35, containment_ba=0.3, longest_run=60)
>>> names(features([c])) == list(FEATURES)
True
>>> str(decide([c])[0])
'partial'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.confirm.measures import Comparison
from dedup.model import Relation
from dedup.relation.weights import COEF, INTERCEPT, MEAN, SCALE

FEATURES = {  # name -> what it measures (symmetric in a and b)
    "cosine": "TF-IDF cosine of the texts",
    "containment_high": "share of the more contained text in shared verbatim passages",
    "containment_low": "the same, of the other text",
    "longest_passage": "log(1 + words of the longest shared verbatim passage)",
    "aligned": "log(1 + sentences aligned in order)",
    "in_order": "share of the matched sentences in the same order",
    "aligned_similarity": "mean cosine of the aligned sentences",
    "coverage_high": "share of one text in aligned sentences (the higher)",
    "coverage_low": "the same, of the other text",
    "matched_high": "share of one text in sentences matched one to one, order ignored (the higher)",
    "matched_low": "the same, of the other text",
    "quotes": "log(1 + quotations both carry)",
}
CLASSES = (None, Relation.PARTIAL, Relation.DERIVED)  # None: no derivation (related or nothing)


def features(comps: Sequence[Comparison]) -> np.ndarray:
    """The :data:`FEATURES` of each comparison, one row per pair (float64)."""
    rows = [(c.cosine, *sorted((c.containment_ab, c.containment_ba), reverse=True), np.log1p(c.longest_run),
             np.log1p(c.aligned), c.order, c.similarity, *sorted((c.coverage_a, c.coverage_b), reverse=True),
             *sorted((c.matched_coverage_a, c.matched_coverage_b), reverse=True), np.log1p(len(c.quotes)))
            for c in comps]
    return np.array(rows, np.float64).reshape(len(rows), len(FEATURES))


def names(table: np.ndarray) -> list[str]:
    """The feature names of the columns of a :func:`features` table."""
    assert table.shape[1] == len(FEATURES)
    return list(FEATURES)


def scores(table: np.ndarray) -> np.ndarray:
    """Each class's score (columns in :data:`CLASSES` order) of each row of ``table``."""
    return standardised(table) @ np.asarray(COEF).T + np.asarray(INTERCEPT)


def standardised(table: np.ndarray) -> np.ndarray:
    """``table`` in the training's units: each feature less its mean, over its scale."""
    return (table - np.asarray(MEAN)) / np.asarray(SCALE)


def decide(comps: Sequence[Comparison]) -> list[Relation | None]:
    """The class of highest score of each comparison (None: no derivation)."""
    if not comps:
        return []
    return [CLASSES[k] for k in np.argmax(scores(features(comps)), axis=1).tolist()]


PREFIX = "learned decision:"  # the reason that explains a decision of the model starts so


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature's part in a decision: its value and what it adds to the chosen class's
    score over the runner-up's (positive: towards the chosen class)."""

    name: str
    value: float
    weight: float

    def __str__(self) -> str:
        return f"{self.name} {self.value:.2f} ({self.weight:+.2f})"


def contributions(c: Comparison) -> tuple[Relation | None, Relation | None, float, list[Contribution]]:
    """The model's class for ``c``, the runner-up class, the margin between their scores
    and each feature's part in it (strongest first; with the intercepts' difference, the
    parts sum to the margin)."""
    row = features([c])
    s = scores(row)[0]
    first, second = (int(k) for k in np.argsort(-s, kind="stable")[:2])
    parts = standardised(row)[0] * (np.asarray(COEF[first]) - np.asarray(COEF[second]))
    out = [Contribution(name, float(v), float(w)) for name, v, w in zip(FEATURES, row[0], parts)]
    return CLASSES[first], CLASSES[second], float(s[first] - s[second]), sorted(out, key=lambda x: -abs(x.weight))


def _name(rel: Relation | None) -> str:
    return "no derivation" if rel is None else str(rel)


def explain(c: Comparison, top: int = 4) -> str:
    """Why the model decides as it does for ``c``, as a pair's reason: the class, its margin
    over the runner-up and the ``top`` features that weigh most in it (value, part)."""
    first, second, margin, parts = contributions(c)
    shown = ", ".join(map(str, parts[:top]))
    return f"{PREFIX} {_name(first)} by {margin:.2f} over {_name(second)} ({shown})"
