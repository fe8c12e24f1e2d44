"""Tests for dedup.clean.normalize: one line normalised, and the map back to its offsets."""

from __future__ import annotations

import unicodedata

import pytest

from dedup.clean.normalize import normalize_line, offset_map


@pytest.mark.parametrize("raw, expected", [
    ("\u201cdouble\u201d \u201edown\u201f \u00abguillemets\u00bb", '"double" "down" "guillemets"'),
    ("\u2018single\u2019 it\u2019s \u201aok\u201b `x` \u2032", "'single' it's 'ok' 'x' '"),
    ("a\u2013b \u2014 c\u2212d \u2010e\u2011f\u2012g\u2015h\uff0di", "a-b - c-d -e-f-g-h-i"),
    ("no\u00a0break\u00a0space", "no break space"),
    ("zero\u200bwidth\u200c join\u200d\u2060er\ufeff soft\u00adhyphen", "zerowidth joiner softhyphen"),
    ("  tabs\tand   runs \n of\u2028space  ", "tabs and runs of space"),
    ("\ufb01ne \ufb02ow \ufb03ce", "fine flow ffice"),  # ligatures (NFKC)
    ("\uff21\uff22\uff23 \u2460", "ABC 1"),  # fullwidth and circled digits (NFKC)
    ("", ""),
    ("   \u00a0\u200b  ", ""),
])
def test_normalize_line(raw, expected):
    assert normalize_line(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("it\u00b4s", "it's"),  # NFKC alone makes " \u0301" of the acute accent
    ("\u2033quoted\u2033", '"quoted"'),  # and "''" of the double prime
    ("\u2034 \ufe31", "''' -"),  # NFKC makes characters to translate: primes, a dash
])
def test_translated_characters_that_nfkc_decomposes(raw, expected):
    assert normalize_line(raw) == expected
    assert normalize_line(expected) == expected


def test_normalize_line_is_idempotent():
    raw = ("  \u201cQuoted\u201d \u2014 te\u00a0xt \ufb01ne\u200b caf\u00e9 "
           "it\u00b4s \u2034 Nguye\u0302\u0303n ")
    once = normalize_line(raw)
    assert normalize_line(once) == once


def _check_map(line: str) -> None:
    """Every normalised character maps to the raw character it came from."""
    norm = normalize_line(line)
    mapping = offset_map(line)
    assert len(mapping) == len(norm)
    assert mapping == sorted(mapping)  # monotone
    for k, ch in enumerate(norm):
        end = mapping[k] + 1
        while end < len(line) and unicodedata.category(line[end]).startswith("M"):
            end += 1  # a character with its combining marks
        src = line[mapping[k]: end]
        if ch == " ":
            assert src[0].isspace(), (k, src)
        else:
            assert ch in normalize_line(src), (k, ch, src)


@pytest.mark.parametrize("line", [
    "plain ascii line",
    "  leading and trailing  ",
    "\u201cQuoted\u201d \u2014 text\u00a0 here",
    "zero\u200bwidth \u00adsoft",
    "the \ufb01nal of\ufb03ce report",  # one raw character becomes two or three
    "\u00a0\u00a0 \u2018it\u2019s\u2019 \t done",
    "it\u00b4s \u2033quoted\u2033 \u2034",  # translated before and after NFKC
    "Ha Noi: Nguye\u0302\u0303n said \u201cHo\u0302\u0300 Chi\u201d \u2014 cafe\u0301",  # NFD
    "\u0301 mark first, e\u0323\u0302 reordered, \u00e9\u0323 half composed, \u00a0\u0301 mark on a space",
])
def test_offset_map_points_at_source_characters(line):
    _check_map(line)


def test_offset_map_ligature_slices_back_to_whole_word():
    line = "The \ufb01nal \u201co\ufb03cial\u201d text"
    norm, mapping = normalize_line(line), offset_map(line)
    assert norm == 'The final "official" text'
    for word in ("final", '"official"', "text"):
        k = norm.index(word)
        s, e = mapping[k], mapping[k + len(word) - 1] + 1
        assert normalize_line(line[s:e]) == word
    # both letters of the ligature point at the ligature itself
    k = norm.index("fi")
    assert mapping[k] == mapping[k + 1] == line.index("\ufb01")


def test_offset_map_docstring_case():
    assert offset_map("  a\u2014 b") == [2, 3, 4, 5]


def test_offset_map_empty():
    assert offset_map("") == []
    assert offset_map("   \u200b ") == []


def test_offset_map_with_combining_marks():
    line = "Ha Noi: Nguye\u0302\u0303n said the talks went well"
    norm, mapping = normalize_line(line), offset_map(line)
    assert norm == "Ha Noi: Nguy\u1ec5n said the talks went well"
    k = norm.index("said")
    assert line[mapping[k]: mapping[k + 3] + 1] == "said"
    # the composed letter points at its base
    assert mapping[norm.index("\u1ec5")] == line.index("e\u0302")


def test_offset_map_clusters_beyond_combining_marks():
    # Hangul vowels and finals compose with the consonant before them (NFD Korean)
    assert normalize_line("\u1112\u1161\u11ab\u1100\u116e\u11a8 x") == "\ud55c\uad6d x"
    assert offset_map("\u1112\u1161\u11ab\u1100\u116e\u11a8 x") == [0, 3, 6, 7]
    # a zero-width character between a letter and its mark
    assert normalize_line("a\u200b\u0303b") == "\u00e3b"
    assert offset_map("a\u200b\u0303b") == [0, 3]
