"""Tests for dedup.sketch: tokens, sentences, hashes, shingles, MinHash (datasketch-compatible)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from datasketch import MinHash

from dedup.params import Params
from dedup.sketch import Sketch, hash_words, minhash, sentences, shingles, terms, tokens, words_and_spans
from dedup.sketch.hashing import shingle_hash, span_hashes, term_hashes
from dedup.sketch.minhash import EMPTY

SHINGLE, STEM = Params().shingle_words, Params().stem


def words(text: str) -> list[str]:
    return [t for t, _, _ in tokens(text)]


# --- tokens ---------------------------------------------------------------------

def test_tokens_english_lowercased_with_offsets():
    text = "Xi's VISIT: 36 deals, U.S.-made."
    toks = tokens(text)
    assert [t for t, _, _ in toks] == ["xi", "s", "visit", "36", "deals", "u", "s", "made"]
    for t, s, e in toks:
        assert text[s:e].casefold() == t


def test_tokens_chinese_character_bigrams():
    assert words("习近平访问越南") == ["习近", "近平", "平访", "访问", "问越", "越南"]
    assert words("习") == ["习"]
    text = "新华社电：习近平访问越南。"
    toks = tokens(text)
    for t, s, e in toks:
        assert text[s:e] == t and len(t) <= 2
    # a mixed run: Latin parts stay whole, Han parts become bigrams
    assert words("abc习近平def") == ["abc", "习近", "近平", "def"]


def test_tokens_japanese_and_korean_unspaced_scripts():
    assert words("東京タワー") == ["東京", "京タ", "タワ", "ワー"]
    assert all(len(t) == 2 for t in words("대한민국"))


def test_tokens_russian():
    assert words("Президент Си Цзиньпин прибыл в Ханой.") == [
        "президент", "си", "цзиньпин", "прибыл", "в", "ханой"]


@pytest.mark.parametrize("word", [
    "پاکستان",  # Urdu
    "हिन्दी",  # Devanagari: virama and vowel signs are combining marks
    "ভাষা",  # Bengali
    "Nguye\u0302\u0303n",  # Latin with combining marks (NFD)
])
def test_tokens_words_with_combining_marks_stay_whole(word):
    assert tokens(word) == [(word.casefold(), 0, len(word))]
    assert words(f"{word} {word}.") == [word.casefold()] * 2


def test_combining_marks_are_only_in_the_planes_looked_at():
    from dedup.sketch.tokens import mark_ranges

    assert mark_ranges() == mark_ranges(range(17))  # the other planes hold no mark (in this Python's Unicode)


def test_arabic_vowel_marks_fold_away_and_the_span_keeps_them():
    word = "مُحَمَّد"  # Arabic script with harakat (combining marks)
    assert tokens(word) == [("محمد", 0, len(word))]


@pytest.mark.parametrize("variant, plain", [
    ("كتاب", "کتاب"),  # Arabic kaf / Urdu keheh
    ("پاكستاني", "پاکستانی"),  # Arabic kaf and yeh in an Urdu word
    ("ہفته", "ہفتہ"),  # Arabic heh / Urdu heh goal
    ("أحمد", "احمد"),  # alef with hamza
    ("٢٠٢٤", "2024"),  # Eastern Arabic-Indic digits
    ("۲۰۲۴", "2024"),  # Persian / Urdu digits
    ("२०२४", "2024"),  # Devanagari digits
])
def test_script_variants_fold_to_one_word(variant, plain):
    assert words(f"{variant} x") == words(f"{plain} x")


def test_urdu_sentence_ends_without_space():
    text = "پہلا جملہ یہاں ختم ہوا۔دوسرا جملہ بھی ختم ہوا۔"
    assert [text[s:e] for s, e in sentences(text)] == ["پہلا جملہ یہاں ختم ہوا۔", "دوسرا جملہ بھی ختم ہوا۔"]


def test_tokens_urdu_sentence():
    assert words("پاکستان کی حکومت نے اعلان کیا") == ["پاکستان", "کی", "حکومت", "نے", "اعلان", "کیا"]


def test_tokens_empty_and_punctuation():
    assert tokens("") == []
    assert tokens(" -- ... !!! ") == []


# --- terms ---------------------------------------------------------------------

def test_terms_drop_stop_words_and_cut_to_stem():
    got = terms(["the", "presidents", "visited", "hanoi", "s", "said", "2023", "越南"])
    assert got == ["presidents"[:STEM], "visited"[:STEM], "hanoi", "2023", "越南"]


# --- sentences -------------------------------------------------------------------

def spans_text(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences(text)]


def test_sentences_abbreviations_and_initials():
    text = ("Dr. Smith met Gov. Jones at 5 p.m. on Jan. 3 in Washington. Then they left! Did they? "
            "Yes, said J. R. Doe of the U.S. Senate.")
    assert spans_text(text) == [
        "Dr. Smith met Gov. Jones at 5 p.m. on Jan. 3 in Washington.", "Then they left!", "Did they?",
        "Yes, said J. R. Doe of the U.S. Senate."]


def test_sentences_lines_quotes_and_decimals():
    text = '"We agreed," he said. Prices rose 3.5 percent.\nA heading\n\n"It works." Next one.'
    assert spans_text(text) == ['"We agreed," he said.', "Prices rose 3.5 percent.", "A heading",
                                '"It works."', "Next one."]


def test_sentences_cjk_and_devanagari_marks():
    assert spans_text("新华社北京电。习近平访问越南！") == ["新华社北京电。", "习近平访问越南！"]
    assert len(sentences("यह पहला वाक्य है। यह दूसरा है।")) == 2


def test_sentences_spans_are_stripped_and_ordered():
    text = "  One.   Two?  \n\n Three  "
    spans = sentences(text)
    assert spans_text(text) == ["One.", "Two?", "Three"]
    assert spans == sorted(spans)
    assert sentences("") == [] and sentences("  \n ") == []


# --- shingles ----------------------------------------------------------------------

def test_shingles_length_and_determinism():
    ws = words("one two three four five six seven eight")
    h = hash_words(ws)
    for n in (1, 2, 5, 8):
        s = shingles(h, n)
        assert s.dtype == np.uint32 and s.shape == (len(ws) - n + 1,)
        assert np.array_equal(s, shingles(hash_words(ws), n))
    assert shingles(h, 20).shape == (1,)  # shorter than n: one shingle of everything
    assert shingles(hash_words([]), 5).shape == (0,)


def test_shingles_depend_on_order_and_content():
    a = shingles(hash_words(["a", "b", "c"]), 3)[0]
    assert a != shingles(hash_words(["c", "b", "a"]), 3)[0]
    assert a != shingles(hash_words(["a", "b", "d"]), 3)[0]
    # shared runs give shared shingles at the matching positions
    x = shingles(hash_words(list("pqrabcde")), 3)
    y = shingles(hash_words(list("abcdexyz")), 3)
    assert np.array_equal(x[3:6], y[0:3])


def test_shingle_hash_matches_shingles():
    ws = words("the minister met the press in hanoi on tuesday")
    all_ = shingles(hash_words(ws), SHINGLE)
    for k in range(len(ws) - SHINGLE + 1):
        assert shingle_hash(ws[k:k + SHINGLE]) == int(all_[k])


def test_hash_words_is_a_function_of_the_word_alone():
    ws = ["alpha", "beta", "alpha", "gamma", "\u0939\u093f\u0902\u0926\u0940", "\u4e60\u8fd1"]
    h = hash_words(ws)
    assert h[0] == h[2] and len(set(h.tolist())) == 5
    assert np.array_equal(h, np.concatenate([hash_words([w]) for w in ws]))
    buf = np.frombuffer(" ".join(ws).encode(), np.uint8)
    ends = np.cumsum([len(w.encode()) + 1 for w in ws]) - 1
    assert np.array_equal(span_hashes(buf, ends - [len(w.encode()) for w in ws], ends), h)


def test_hash_words_has_no_collisions_on_a_large_vocabulary():
    vocab = [f"w{k}x" for k in range(200_000)] + [format(k, "b") for k in range(1 << 12)]
    assert np.unique(hash_words(vocab)).size == len(vocab)


# --- MinHash ------------------------------------------------------------------------

@pytest.mark.parametrize("seed_values", [0, 1, 2])
def test_minhash_equals_datasketch(seed_values):
    rng = np.random.default_rng(seed_values)
    sets = [rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32) for n in (1, 7, 300, 2500)]
    ours = minhash(sets, num_perm=128, seed=1)
    assert ours.shape == (len(sets), 128) and ours.dtype == np.uint32
    for row, values in zip(ours, sets):
        m = MinHash(num_perm=128, seed=1, hashfunc=lambda x: x)
        m.update_batch([int(v) for v in values])
        assert np.array_equal(row, np.asarray(m.hashvalues, np.uint32))


def test_minhash_equals_datasketch_with_shingle_hashfunc_and_other_seed():
    ws = words("China will try to boost political trust and economic cooperation with Vietnam "
               "when President Xi Jinping visits the communist-ruled neighbour this week.")
    grams = [tuple(ws[k:k + SHINGLE]) for k in range(len(ws) - SHINGLE + 1)]
    m = MinHash(num_perm=64, seed=7, hashfunc=lambda g: shingle_hash(list(g)))
    m.update_batch(grams)
    ours = minhash([shingles(hash_words(ws), SHINGLE)], num_perm=64, seed=7)[0]
    assert np.array_equal(ours, np.asarray(m.hashvalues, np.uint32))


def test_minhash_small_chunks_same_result():
    rng = np.random.default_rng(5)
    sets = [rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32) for n in (50, 3, 0, 90, 1)]
    assert np.array_equal(minhash(sets, 32, chunk=7), minhash(sets, 32))


def test_minhash_empty_sets():
    sig = minhash([np.empty(0, np.uint32), np.array([1, 2], np.uint32)], 16)
    assert (sig[0] == EMPTY).all() and not (sig[1] == EMPTY).all()
    assert (minhash([np.empty(0, np.uint32)], 8) == EMPTY).all()
    assert minhash([], 8).shape == (0, 8)


def test_minhash_is_set_based():
    v = np.array([5, 9, 12, 400], np.uint32)
    assert np.array_equal(minhash([v])[0], minhash([np.r_[v[::-1], v]])[0])


def test_minhash_estimates_jaccard():
    rng = np.random.default_rng(42)
    pool = np.unique(rng.integers(0, 2**32, size=5000, dtype=np.uint64).astype(np.uint32))
    rng.shuffle(pool)
    a, b = pool[:2000], pool[1200:3200]  # 800 shared of 3200
    true = np.intersect1d(a, b).size / np.union1d(a, b).size
    sig = minhash([a, b], num_perm=128)
    estimate = float((sig[0] == sig[1]).mean())
    assert abs(estimate - true) <= 0.1


# --- Sketch -----------------------------------------------------------------------

def test_sketch_consistency():
    body = "The minister met the press in Hanoi. He said nothing new today.\nA heading line"
    s = Sketch(body)
    assert s.words == words(body)
    assert s.spans.shape == (len(s.words), 2)
    assert [body[a:b].casefold() for a, b in s.spans] == s.words
    assert len(s.shingles) == len(s.words) - SHINGLE + 1
    hashes, starts = s.sentence_terms
    assert len(s.sentences) == len(s.sentence_tokens) == starts.size - 1 == 3
    for (i, j), (a, b) in zip(s.sentence_tokens, s.sentences):
        assert all(a <= s.spans[k, 0] and s.spans[k, 1] <= b for k in range(i, j))
    for k, (a, b) in enumerate(s.sentences):
        assert np.array_equal(hashes[starts[k]:starts[k + 1]], hash_words(terms(words(body[a:b]))))


def test_sketch_empty():
    s = Sketch("")
    assert s.words == [] and s.shingles.size == 0 and s.sentences == [] and s.sentence_terms[0].size == 0


def test_term_hashes_equal_the_hashed_terms():
    ws = words("The presidents visited Hanoi in 2023, s a \u4e60 \u4e60\u8fd1\u5e73 Nguy\u1ec5n Ph\u00fa Tr\u1ecdng \u0939\u093f\u0902\u0926\u0940")
    keep, h = term_hashes(ws, hash_words(ws))
    assert np.array_equal(h[keep], hash_words(terms(ws)))
    assert (h[~keep] == 0).all()


@pytest.mark.parametrize("text", ["Stra\u00dfe und \u00c9lise", "\u0130stanbul \u00b2x \u00b5m \u00aa \u0149a", "caf\u00e9\x85 na\u00efve_\u00e7a",
                                  "\u00c0 \u00e0 \u01c5 \u02b0 \u00bc"])
def test_words_and_spans_below_combining_marks_are_the_folded_regex_words(text):
    # the spans from a table of code points, the words by folding the whole text when that keeps them in place
    words, spans = words_and_spans(text)
    found = list(re.finditer(r"\w+", text))
    assert words == [m.group().casefold() for m in found]
    assert spans.tolist() == [list(m.span()) for m in found]


def test_a_letter_that_folds_longer_beside_an_unspaced_script_keeps_its_offsets():
    """"ß" casefolds to "ss": a token's offsets are in the text, not in its folded form
    (found by tests/test_fuzz.py: the sketch read past the text's end)."""
    from dedup.sketch.body import Sketch
    from dedup.sketch.tokens import tokens

    text = "\u1780\u00df \u1780\u1781\u00dfx"
    assert all(0 <= s < e <= len(text) for _, s, e in tokens(text))
    assert [t for t, _, _ in tokens(text)] == ["\u1780", "ss", "\u1780\u1781", "ssx"]
    assert Sketch(text).n_words == 4


@pytest.mark.parametrize("text", ["\u064e\U00020000\u1e96", "\u064e\u1780\u00df", "\u1780\u064e\u00df\u1781"])
def test_a_dropped_mark_and_a_letter_folding_longer_keep_the_offsets(text):
    """A vowel mark that folding drops and a letter that folds to two make a folded word as long
    as the text's: its offsets still differ (found by fuzzing: the span pointed at the mark)."""
    from dedup.sketch.tokens import fold, tokens

    for token, s, e in tokens(text):
        assert token in fold(text[s:e].casefold()), (token, s, e)
