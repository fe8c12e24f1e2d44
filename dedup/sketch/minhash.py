"""MinHash signatures (datasketch's scheme, batched) and their LSH band keys.

Signatures follow datasketch's ``affine32`` MinHash scheme exactly, so a row of
:func:`minhash` equals ``datasketch.MinHash(num_perm, seed)`` updated with the same
32-bit shingle hashes (see tests/test_sketch.py); the bands and rows of a threshold are
those datasketch's ``MinHashLSH`` chooses.

>>> sig = minhash([np.array([1, 2, 3], np.uint32), np.array([1, 2, 3], np.uint32)], 16)
>>> sig.shape, bool((sig[0] == sig[1]).all())
((2, 16), True)
>>> lsh_bands_rows(0.3, 128)
(37, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=None)
def lsh_bands_rows(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows that datasketch's ``MinHashLSH(threshold, num_perm)`` chooses
    (equal weights of false positives and negatives)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return np.asarray(a, np.uint32), np.asarray(b, np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


EMPTY = np.uint32(0xFFFFFFFF)


def minhash(sets: Sequence[np.ndarray], num_perm: int = 128, seed: int = 1,
            chunk: int | None = None, used: int | None = None) -> np.ndarray:
    """MinHash signatures, one row per set of 32-bit hashes, shape ``(len(sets), num_perm)``.

    ``used``: compute only the first ``used`` values of each signature (LSH with
    ``bands * rows < num_perm`` never reads the rest); the result is then that wide.
    ``chunk``: hashes permuted at a time (see :func:`minhash_flat`).

    """
    lengths = np.fromiter((s.size for s in sets), np.int64, len(sets))
    values = np.concatenate([np.asarray(s, np.uint32) for s in sets]) if len(sets) else np.empty(0, np.uint32)
    return minhash_flat(values, lengths, num_perm, seed, chunk, used)


def minhash_flat(values: np.ndarray, lengths: np.ndarray, num_perm: int = 128, seed: int = 1,
                 chunk: int | None = None, used: int | None = None) -> np.ndarray:
    """:func:`minhash` of the sets laid end to end in ``values`` (set ``k`` has
    ``lengths[k]`` of them; repeats do not change a signature).

    One permutation at a time over every value of a block of sets (about ``chunk``
    values, 2**16 by default, so the block stays in the CPU cache), with a 1-d
    ``np.minimum.reduceat`` per set: several times faster than permuting a
    (values x permutations) matrix and reducing it along its rows.
    """
    a, b = permutations(num_perm, seed)
    a, b = a[:used], b[:used]
    out = np.full((lengths.size, a.size), EMPTY, np.uint32)
    if values.size == 0:
        return out
    values = _fmix32(np.asarray(values, np.uint32))
    ends = np.cumsum(lengths)
    chunk = chunk or 1 << 16
    buf = np.empty(min(values.size, max(chunk, int(lengths.max()))), np.uint32)
    first = 0
    with np.errstate(over="ignore"):
        while first < lengths.size:  # sets first..last-1, about chunk values
            last = max(int(np.searchsorted(ends, ends[first] - lengths[first] + chunk, side="right")), first + 1)
            lo, hi = int(ends[first] - lengths[first]), int(ends[last - 1])
            rows = first + np.flatnonzero(lengths[first:last])
            starts = (ends[rows] - lengths[rows]) - lo
            v, tmp = values[lo:hi], buf[: hi - lo]
            for k in range(a.size):
                np.multiply(v, a[k], out=tmp)
                np.add(tmp, b[k], out=tmp)
                out[rows, k] = np.minimum.reduceat(tmp, starts)
            first = last
    return out


_ROW_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                    np.uint64)


def band_keys(sig: np.ndarray, bands: int, rows: int, bits: int = 64) -> np.ndarray:
    """One key per band: rows that agree on a band's values get the same key.

    Up to two 32-bit rows are packed exactly into 64 bits; more are mixed (collisions
    ~ 2**-64). ``bits=32`` halves the memory for a chance collision of 2**-32 per pair
    of rows (the sentence channel, with millions of rows, then needs two of them).

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5]], np.uint32)
    >>> k = band_keys(sig, 2, 2); bool(k[0, 0] == k[1, 0]), bool(k[0, 1] == k[1, 1])
    (True, False)
    """
    s = sig[:, : bands * rows].astype(np.uint64).reshape(sig.shape[0], bands, rows)
    with np.errstate(over="ignore"):
        if rows <= 2 and bits == 64:
            return s[:, :, 0] << np.uint64(32) | (s[:, :, 1] if rows == 2 else np.uint64(0))
        key = np.zeros((sig.shape[0], bands), np.uint64)
        for r in range(rows):
            key = (key ^ s[:, :, r]) * _ROW_MIX[r % len(_ROW_MIX)]
            key ^= key >> np.uint64(29)
    return key if bits == 64 else (key >> np.uint64(32)).astype(np.uint32)
