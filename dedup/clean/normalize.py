"""Unicode normalisation of one line, with a map back to the original offsets.

>>> normalize_line("  \u201cQuoted\u201d \u2014 text\u00a0 here ")
'"Quoted" - text here'
>>> normalize_line("\ufb01ne")
'fine'
"""

from __future__ import annotations

import unicodedata

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
    return " ".join(_nfkc(line).split())


def offset_map(line: str) -> list[int]:
    """For each character of ``normalize_line(line)``, its offset in ``line``.

    >>> offset_map("  a\u2014 b")
    [2, 3, 4, 5]
    """
    normalized = normalize_line(line)
    lead = len(line) - len(line.lstrip())
    if line[lead: lead + len(normalized)] == normalized:  # nothing changed but the ends
        return list(range(lead, lead + len(normalized)))
    out: list[int] = []
    pieces: list[str] = []
    # each cluster (a character and the marks after it) is normalised on its own
    starts = [i for i, ch in enumerate(line) if not i or not joins_previous(ch)]
    for i, j in zip(starts, starts[1:] + [len(line)]):
        for c in _nfkc(line[i:j]):
            if c.isspace():
                if not pieces or pieces[-1] == " ":
                    continue
                c = " "
            pieces.append(c)
            out.append(i)
    while pieces and pieces[-1] == " ":
        pieces.pop()
        out.pop()
    if "".join(pieces) != normalized:  # composed across clusters (none known): proportion
        n = len(normalized)
        return [min(len(line) - 1, round(k * len(line) / max(n, 1))) for k in range(n)]
    return out
