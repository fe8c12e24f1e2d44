"""The sketch stage: tokens, hashes, shingles, MinHash band keys and anchors of each
article's body, computed a batch at a time with numpy (:func:`featurize`), and the
per-body detail the confirm stage reads (:class:`Sketch`).

>>> f = featurize(["Xi met Trong in Hanoi on Tuesday after talks."])
>>> f.n, f.words.tolist()
(1, [9])
"""

from dedup.sketch.body import Sketch
from dedup.sketch.features import (Features, doc_bands_rows, featurize, sentence_bands_rows, shingle_batch,
                                   term_mask, winnow)
from dedup.sketch.hashing import hash_words, shingles
from dedup.sketch.minhash import band_keys, minhash, minhash_flat
from dedup.sketch.tokens import sentences, terms, tokens, words, words_and_spans

__all__ = ["Features", "Sketch", "band_keys", "doc_bands_rows", "featurize", "hash_words", "minhash", "minhash_flat",
           "sentence_bands_rows", "sentences", "shingle_batch", "shingles", "term_mask", "terms", "tokens", "winnow",
           "words", "words_and_spans"]
