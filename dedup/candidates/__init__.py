"""The candidate stage: pairs that share a bucket of MinHash LSH, never all pairs.

Three channels feed the confirm stage:

* **documents**: MinHash of each article's word 5-grams, banded for Jaccard around
  ``doc_threshold``: duplicates and copies (:func:`key_pairs`).
* **passages**: anchors shared on one diagonal (:mod:`dedup.candidates.anchors`):
  excerpts and embedded wire paragraphs, however long the rest is.
* **sentences**: MinHash of each sentence's content terms, banded for Jaccard around
  ``sentence_threshold``: digests and rewrites (:mod:`dedup.candidates.sentences`).

A bucket larger than its cap pairs each member with its first only (:mod:`dedup.candidates.buckets`).
The union, with what each channel saw, is a :class:`Candidates`.

>>> import numpy as np
>>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [9, 9, 9, 9]], np.uint32)
>>> lsh_pairs(sig, bands=2, rows=2).tolist()
[[0, 1]]
"""

from dedup.candidates.anchors import (AnchorHits, anchor_hits, anchor_pairs, full_cells, longest_runs,
                                      shared_anchor_pairs)
from dedup.candidates.buckets import (LshStats, bucket_pairs, bucket_rows, doc_pairs_from_items, key_pair_codes,
                                      key_pairs, lsh_pairs, merge_pairs, partition)
from dedup.candidates.channels import NOT_MEASURED, Candidates
from dedup.candidates.sentences import doc_pairs_from_keys, pairs_with_hits

__all__ = ["AnchorHits", "Candidates", "LshStats", "NOT_MEASURED", "anchor_hits", "anchor_pairs", "bucket_pairs",
           "bucket_rows", "doc_pairs_from_items", "doc_pairs_from_keys", "full_cells", "key_pair_codes", "key_pairs",
           "longest_runs", "lsh_pairs", "merge_pairs", "pairs_with_hits", "partition", "shared_anchor_pairs"]
