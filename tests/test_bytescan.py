"""Tests for dedup.bytescan: the batch tokens and sentences equal the per-text ones."""

from __future__ import annotations

import random

import numpy as np
import pytest
from conftest import FIXTURES

from dedup.sketch.body import sketch_ascii, sketch_plain
from dedup.sketch.bytescan import folds_alike, plain_breaks, plain_sentences, scan_ascii, scan_plain
from dedup.sketch.tokens import plain_points
from dedup.sketch import Sketch, hash_words, sentences, words_and_spans
from dedup.sketch.hashing import span_hashes

_PIECES = ["Mr.", "U.S.", "e.g.", "i.e.", "a.", "A.", "word", "Word", "x", ".", "..", "?!", '"', "'", ")", "]",
           "\n", "\n\n", " ", "  ", "\t", "\r\n", "ok.", "Dr.", "b.c.d", "No.", "etc.", "3.5", "end.)", "(fine)",
           "\x1c", "_", "Jan.", "st.", "D\n.", "e.g\n."]


def _assert_same_as_per_text(texts: list[str]) -> None:
    t = scan_ascii(texts)
    for d, text in enumerate(texts):
        ws, spans = words_and_spans(text)
        mine = t.doc == d
        assert mine.sum() == len(ws)
        assert np.array_equal(t.hash[mine], hash_words(ws))
        assert np.array_equal(t.start[mine] - (t.start[mine][0] - spans[0, 0] if len(ws) else 0), spans[:, 0])
        if not ws:
            continue
        starts = np.array([s for s, _ in sentences(text)] or [0])
        expected = np.searchsorted(starts, spans[:, 0], side="right")
        got = t.sentence[mine]
        # the same partition of the words into sentences
        assert np.array_equal(np.diff(expected) != 0, np.diff(got) != 0), text


def _assert_same_sketches(texts: list[str], batch=sketch_ascii) -> None:
    for text, got in zip(texts, batch(texts), strict=True):
        want = Sketch(text)
        assert got.body == text and got.n_words == want.n_words and got.words == want.words
        assert np.array_equal(got.spans, want.spans)
        assert np.array_equal(got.shingles, want.shingles) and np.array_equal(got.unique_shingles, want.unique_shingles)
        assert got.sentences == want.sentences, text
        assert got.sentence_tokens == want.sentence_tokens
        for g, w in zip(got.sentence_terms, want.sentence_terms):
            assert np.array_equal(g, w)
        assert np.array_equal(got.sentence_content, want.sentence_content), text


def test_fixtures_tokens_and_sentences_match_the_per_text_functions():
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    texts = [t for t in texts if t.isascii()] + [t.encode("ascii", "replace").decode() for t in texts]
    _assert_same_as_per_text(texts)
    _assert_same_sketches(texts)


@pytest.mark.parametrize("seed", range(5))
def test_punctuation_soup_matches_the_per_text_functions(seed):
    rng = random.Random(seed)
    for _ in range(200):
        texts = ["".join(rng.choice(_PIECES) + rng.choice(["", " "]) for _ in range(rng.randint(0, 40)))
                 for _ in range(4)]
        _assert_same_as_per_text(texts)
        _assert_same_sketches(texts)


def test_empty_batch_and_empty_texts():
    assert scan_ascii([]).doc.size == 0
    t = scan_ascii(["", "Hello there.", ""])
    assert t.doc.tolist() == [1, 1]


# characters below U+0300 the sentence rule reads otherwise than ASCII: lower-case and other letters,
# word characters that are no letters, white space, a capital whose lower case is two characters
_LATIN = ["\u00e9.", "\u00c9.", "n\u00f2.", "\u00df.", "\u00c4.", "\u00aa.", "\u00b2", "x\u00b2", "\u00bc.", "\u00e9.\u00e9.\u00e9",
          "\u00dcber", "\u00fcber", "\u00e7", "\u00a7", "\u00ab", "\u00bb", "\u00a9", "\x85", "\xa0", "\u0130.", "\u0130.x.y",
          "x.\u0130.x", "\u0131.", "\u01c5.", "\u02b0", "\u00b5", "St\u00e9."]


def _assert_plain_breaks_as_per_text(texts: list[str]) -> None:
    breaks, starts = plain_breaks([plain_points(t) for t in texts])
    for text, at in zip(texts, starts.tolist()):
        _, spans = words_and_spans(text)
        expected = np.searchsorted(np.array([s for s, _ in sentences(text)] or [0]), spans[:, 0], side="right")
        got = np.searchsorted(breaks, spans[:, 0] + at, side="right")
        assert np.array_equal(np.diff(expected) != 0, np.diff(got) != 0), text
        assert plain_sentences(plain_points(text)) == sentences(text), text


@pytest.mark.parametrize("seed", range(5))
def test_latin_soup_sentence_breaks_match_the_per_text_sentences(seed):
    rng = random.Random(seed)
    for _ in range(300):
        _assert_plain_breaks_as_per_text(["".join(rng.choice(_PIECES + _LATIN * 2) + rng.choice(["", " "])
                                                  for _ in range(rng.randint(0, 40))) for _ in range(4)])


def test_a_capital_whose_lower_case_is_two_characters_is_no_single_letter():
    # "\u0130".lower() is "i" and a combining dot: "\u0130. \u00dcber" ends a sentence, "\u00c9. \u00dcber" not
    texts = ["Sie sagte \u0130. \u00dcber alles.", "Sie sagte \u00c9. \u00dcber alles."]
    _assert_plain_breaks_as_per_text(texts)
    breaks, starts = plain_breaks([plain_points(t) for t in texts])
    assert breaks.tolist() == [13, 25, 49]  # after "\u0130. ", after the first text and its newline, the end


# characters below U+0300 that fold alike (one word character for one), some to two UTF-8 bytes or more
_ALIKE = ["\u00e9", "\u00c9t\u00e9.", "\u00b5m", "\u017f", "\u00d8", "\u00ff", "\u00e6", "\u0100\u0101.", "\u01c5.",
          "\u00aa", "\u00b2", "\u00bc.", "\u00ab", "\u00a0", "\u0131.", "n\u00f2.", "\u02b0", "\u00dcber"]


@pytest.mark.parametrize("seed", range(5))
def test_latin_soup_scan_plain_matches_the_per_text_functions(seed):
    rng = random.Random(seed)
    for _ in range(200):
        texts = ["".join(rng.choice(_PIECES + _ALIKE * 2) + rng.choice(["", " "]) for _ in range(rng.randint(0, 40)))
                 for _ in range(4)]
        texts = [t for t in texts if folds_alike(t)]
        t = scan_plain(texts)
        for d, text in enumerate(texts):
            ws, spans = words_and_spans(text)
            mine = np.flatnonzero(t.doc == d)
            assert np.array_equal(t.hash[mine], hash_words(ws)), text
            assert np.array_equal(t.start[mine] - (t.start[mine][0] - spans[0, 0] if len(ws) else 0), spans[:, 0])
            assert (t.end - t.start)[mine].tolist() == [len(w) for w in ws]
            long_ = mine[(t.end - t.start)[mine] > 2]
            prefixes = [w[:2] for w in ws if len(w) > 2]
            assert np.array_equal(span_hashes(t.lower, t.in_lower(t.start[long_]), t.in_lower(t.start[long_] + 2)),
                                  hash_words(prefixes))
            if ws:
                expected = np.searchsorted(np.array([s for s, _ in sentences(text)] or [0]), spans[:, 0], side="right")
                assert np.array_equal(np.diff(expected) != 0, np.diff(t.sentence[mine]) != 0), text
        _assert_same_sketches(texts, sketch_plain)


def test_what_folds_alike():
    assert folds_alike("Caf\u00e9 \u00b5m \u017f") and folds_alike("")
    assert not folds_alike("Stra\u00dfe") and not folds_alike("\u0130") and not folds_alike("\u0149")
    assert not folds_alike("caf\u0065\u0301") and not folds_alike("\u4e60")


def test_latin_sketches_match_the_per_text_sketch():
    texts = ["Der Pr\u00e4sident traf am Dienstag die Ministerin. \u00dcber 300 Millionen Euro flossen.",
             "Caf\u00e9 \u00e9t\u00e9. \u00c9LISE A DIT NON. \u00c9lise a dit: \u00bd. Jos\u00e9 \u00b2 x.\n\nL'\u00e9t\u00e9 de Caf\u00e9s.",
             "", "\u00e9", "Mixed ASCII sentence here. Then \u00e9t\u00e9 Zo\u00eb met \u00d8ystein in \u00c5re."]
    _assert_same_sketches(texts, sketch_plain)
    assert [len(s.sentences) for s in Sketch.many(texts + ["Stra\u00dfe.", "plain ascii."])] == [2, 5, 0, 1, 2, 1, 1]


def test_a_text_opening_with_a_period_has_no_word_before_it():
    # the text before it in a batch ends in an abbreviation, a letter or initials: no matter
    texts = ["I met Mr", ". Then she left.", "See U.S", ".. Yes. Fine.", "x", ". Zo\u00eb came."]
    _assert_same_sketches(texts[:4])
    _assert_same_sketches(texts[4:], sketch_plain)
    _assert_same_as_per_text(texts[:4])
