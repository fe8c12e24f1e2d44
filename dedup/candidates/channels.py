"""Candidate pairs as the confirm stage receives them: the union of the three channels
(documents, passages, sentences), each pair with the channels that found it, its TF-IDF
cosine and, where measured, the longest verbatim run through a shared anchor.

Which of them go on to confirmation is the pipeline's rule
(:func:`dedup.pipeline.keep_candidates`); every driver fills this record its own way.

>>> found = Candidates.union(documents=(np.array([[0, 1]]), np.array([0.9])),
...                          anchors=(np.array([[0, 1], [1, 2]]), np.array([0.9, 0.1]), np.array([-1, 30])))
>>> found.pairs.tolist(), found.by_document.tolist(), found.by_anchor.tolist(), found.anchor_run.tolist()
([[0, 1], [1, 2]], [True, False], [True, True], [-1, 30])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedup.arrays import unique

NOT_MEASURED = -1  # anchor_run of a pair whose run was not measured


@dataclass
class Candidates:
    """Pairs ``(i, j)``, ``i < j``, sorted; per pair: the channels that found it, its cosine
    and ``anchor_run``, the longest run of shared consecutive shingles through one of its
    shared anchors (:data:`NOT_MEASURED` where not measured)."""

    pairs: np.ndarray  # (m, 2) int64
    by_document: np.ndarray  # bool
    by_anchor: np.ndarray
    by_sentence: np.ndarray
    cosine: np.ndarray  # float32
    anchor_run: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def union(cls, documents: tuple[np.ndarray, np.ndarray] | None = None,
              anchors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
              sentences: tuple[np.ndarray, np.ndarray] | None = None) -> Candidates:
        """The pairs of the channels: ``documents`` and ``sentences`` as (pairs, cosines),
        ``anchors`` as (pairs, cosines, runs); a pair found by several keeps one cosine."""
        given = {"documents": documents, "anchors": anchors, "sentences": sentences}
        parts = {name: (np.asarray(v[0], np.int64).reshape(-1, 2), *v[1:])
                 for name, v in given.items() if v is not None}
        everything = [p[0] for p in parts.values()]
        n = int(max((int(p.max()) for p in everything if p.size), default=0)) + 1
        codes = unique(np.concatenate([p[:, 0] * n + p[:, 1] for p in everything])) if everything else \
            np.empty(0, np.int64)
        m = codes.size
        out = cls(np.stack([codes // n, codes % n], axis=1), np.zeros(m, bool), np.zeros(m, bool), np.zeros(m, bool),
                  np.zeros(m, np.float32), np.full(m, NOT_MEASURED, np.int64))
        flags = {"documents": out.by_document, "anchors": out.by_anchor, "sentences": out.by_sentence}
        for name, (pairs, cosine, *runs) in parts.items():
            at = np.searchsorted(codes, pairs[:, 0] * n + pairs[:, 1])
            flags[name][at] = True
            out.cosine[at] = cosine
            if runs:
                out.anchor_run[at] = runs[0]
        return out

    def subset(self, keep: np.ndarray) -> Candidates:
        """The pairs where ``keep`` (a mask or indices) holds, in order."""
        return Candidates(self.pairs[keep], self.by_document[keep], self.by_anchor[keep], self.by_sentence[keep],
                          self.cosine[keep], self.anchor_run[keep])
