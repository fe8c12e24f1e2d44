"""Unicode normalisation of one line, with a map back to the original offsets.

>>> normalize_line("  \u201cQuoted\u201d \u2014 text\u00a0 here ")
'"Quoted" - text here'
>>> normalize_line("\ufb01ne")
'fine'
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

import numpy as np

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
        **dict.fromkeys("\t\u00a0\u2028\u2029", " "),
    }
)
_GONE = {chr(k) for k, v in _TRANSLATE.items() if v == ""}  # zero-width characters


def joins_previous(ch: str) -> bool:
    """Whether ``ch`` goes with the character before it: a mark, a Hangul vowel or final, or gone."""
    return unicodedata.category(ch)[0] == "M" or "\u1160" <= ch <= "\u11ff" or ch in _GONE


def _nfkc(text: str) -> str:
    if text.isascii():  # the table's only ASCII entries: the backtick, and the tab (a space anyway)
        return text.replace("`", "'").replace("\t", " ")
    text = text.translate(_TRANSLATE)  # first, as NFKC decomposes some (\u00b4 to " \u0301")
    return text if text.isascii() else unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


def normalize_line(line: str) -> str:
    """NFKC, straight quotes, ASCII dashes, no zero-width characters, single spaces."""
    return single_spaces(_nfkc(line))


_WORD_RUN = re.compile(r"\S+")


def word_count(text: str) -> int:
    """``len(text.split())`` without the list: by counting spaces in a normalised line (single
    spaces inside, none around), else by counting runs of non-space.

    >>> word_count("a b c"), word_count(" a\t b\u3000"), word_count("")
    (3, 2, 0)
    """
    if text and text[0] != " " and text[-1] != " " and "  " not in text and text.isprintable():
        return text.count(" ") + 1
    return sum(1 for _ in _WORD_RUN.finditer(text))


LONG_LINE = 1 << 16  # from this many characters on, spaces are collapsed without a list of the words


@lru_cache(maxsize=1)
def _space_table() -> dict[int, str]:
    """Every whitespace character (``str.isspace``, as ``str.split`` reads it) to a space."""
    return dict.fromkeys((cp for cp in range(sys.maxunicode + 1) if chr(cp).isspace()), " ")


def single_spaces(text: str) -> str:
    """``" ".join(text.split())``; on a long line without a Python string per word (a 20 MB
    line of words took 200 MB as a list).

    >>> single_spaces(" a\t\u3000 b  ")
    'a b'
    """
    if len(text) < LONG_LINE:
        return " ".join(text.split())
    text = text.translate(_space_table())
    while "  " in text:  # each pass halves the runs of spaces
        text = text.replace("  ", " ")
    return text.strip(" ")


def offset_map(line: str) -> list[int]:
    """For each character of ``normalize_line(line)``, its offset in ``line`` (a list:
    :func:`offset_array` is the same in a NumPy array, 8 bytes a character).

    >>> offset_map("  a\u2014 b")
    [2, 3, 4, 5]
    """
    return offset_array(line).tolist()


def offset_array(line: str) -> np.ndarray:
    """:func:`offset_map` as an int64 array, made without a Python object per character."""
    normalized = normalize_line(line)
    n = len(normalized)
    lead = len(line) - len(line.lstrip())
    if line[lead: lead + n] == normalized:  # nothing changed but the ends
        return np.arange(lead, lead + n, dtype=np.int64)
    out = np.empty(n, np.int64)
    k = 0  # characters written
    space = -1  # offset of a space not yet written (written before the next other character)
    start = 0
    # each cluster (a character and the marks after it) is normalised on its own
    for j in range(1, len(line) + 1):
        if j < len(line) and joins_previous(line[j]):
            continue
        for c in _nfkc(line[start:j]):
            if c.isspace():
                if k and space < 0:
                    space = start
                continue
            if space >= 0:
                if k >= n or normalized[k] != " ":
                    return _proportional(line, n)
                out[k], k, space = space, k + 1, -1
            if k >= n or normalized[k] != c:
                return _proportional(line, n)
            out[k], k = start, k + 1
        start = j
    return out if k == n else _proportional(line, n)


def _proportional(line: str, n: int) -> np.ndarray:
    """Offsets spread evenly over ``line`` (a composition across clusters: none known)."""
    at = np.round(np.arange(n, dtype=np.int64) * len(line) / max(n, 1)).astype(np.int64)
    return np.minimum(at, len(line) - 1)
