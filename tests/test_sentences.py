"""Tests for dedup.confirm.sentences: sentences reused as they are or reworded, shared terms,
aligned sentences carrying the same words."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES
from scipy import sparse

from dedup.confirm import Comparison, Confirmer
from dedup.confirm.measures import lexical
from dedup.arrays import member
from dedup.confirm.sentences import carries_many, covered_words, sentence_shares, shared_terms_many
from dedup.sketch import Sketch
from dedup.sketch.tokens import terms, tokens

CLOUGH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "clough-stevenson" / "texts"


def verbatim_sentences(s: Sketch, other: Sketch, shingle_words: int = 5) -> np.ndarray:
    """The reference: the share of each sentence's words inside shingles that ``other`` holds."""
    shared = member(s.shingles, other.unique_shingles) if other.unique_shingles.size else np.zeros(s.shingles.size, bool)
    covered = covered_words(shared, s.n_words, shingle_words)
    return np.array([covered[lo:hi].mean() if hi > lo else 0.0 for lo, hi in s.sentence_tokens])


def test_sentence_shares_reused_moved_and_reworded(maker):
    s = [maker.sentence(14) for _ in range(4)]
    reworded = " ".join(w for k, w in enumerate(s[2].rstrip(".").split()) if k % 3 != 1) + "."
    a, b = Sketch(" ".join(s)), Sketch(" ".join([s[1], s[0], reworded, maker.sentence(14)]))
    covered = lexical(Comparison(0, 1), a, b)[0]
    shares = sentence_shares(a, covered)
    assert shares[0] == 1.0 and shares[1] == 1.0  # moved, not changed
    assert shares[2] < 0.5  # every third word dropped: few runs of five left
    assert shares[3] == 0.0  # dropped
    assert sentence_shares(a, covered, np.array([2, 0])).tolist() == [shares[2], shares[0]]


def test_sentence_shares_of_what_lexical_covers_equal_verbatim_sentences(maker):
    s = [maker.sentence(14) for _ in range(4)]
    reworded = " ".join(w for k, w in enumerate(s[2].rstrip(".").split()) if k % 3 != 1) + "."
    for a, b in ((Sketch(" ".join(s)), Sketch(" ".join([s[1], s[0], reworded, maker.sentence(14)]))),
                 (Sketch(" ".join(s)), Sketch(maker.sentence(14))), (Sketch("Short."), Sketch(" ".join(s))),
                 (Sketch(""), Sketch(" ".join(s)))):
        covered = lexical(Comparison(0, 1), a, b)
        assert sentence_shares(a, covered[0]).tolist() == verbatim_sentences(a, b).tolist()
        assert sentence_shares(b, covered[1]).tolist() == verbatim_sentences(b, a).tolist()


def shared_terms(ma: sparse.csr_matrix, mb: sparse.csr_matrix, i: int, j: int) -> float:
    """The reference, one pair at a time: share of the fewer-termed row's terms in the other."""
    ta, tb = ma.indices[ma.indptr[i]: ma.indptr[i + 1]], mb.indices[mb.indptr[j]: mb.indptr[j + 1]]
    fewer = min(np.unique(ta).size, np.unique(tb).size)
    return float(np.intersect1d(ta, tb).size / fewer) if fewer else 0.0


def test_shared_terms_many_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    ma = sparse.random(30, 50, density=0.2, format="csr", dtype=np.float32, random_state=1)
    mb = sparse.random(20, 50, density=0.2, format="csr", dtype=np.float32, random_state=2)
    i, j = rng.integers(0, 30, 100), rng.integers(0, 20, 100)
    many = shared_terms_many(ma, mb, i, j)
    assert many.tolist() == [shared_terms(ma, mb, int(x), int(y)) for x, y in zip(i, j)]
    assert shared_terms_many(ma, mb, np.array([], np.int64), np.array([], np.int64)).size == 0


# --- aligned sentences that carry the same words ----------------------------------------

_WORD = re.compile(r"\w+")
_LOWER_WORD = re.compile(r"\b[a-z][^\W\d]*\b")  # an ASCII word that opens in lower case, without digits


def sentence_terms(text: str, stem: int = 6) -> tuple[frozenset[str], frozenset[str]]:
    """The reference, one sentence's text at a time, on strings: its terms, and its content
    terms (not names: capitalised; not numbers: with a digit; all of them without both cases)."""
    if text.isascii():
        lower = text.lower()
        every = terms(_WORD.findall(lower), stem)
        if lower == text or text.upper() == text:
            return frozenset(every), frozenset(every)
        return frozenset(every), frozenset(terms([w.lower() for w in _LOWER_WORD.findall(text)], stem))
    found = tokens(text)
    every = terms([w for w, _, _ in found], stem)
    if not (any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)):
        return frozenset(every), frozenset(every)
    content = terms([w for w, start, _ in found if not text[start].isupper() and not any(ch.isdigit() for ch in w)],
                    stem)
    return frozenset(every), frozenset(content)


def carries(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> bool:
    """The reference, a sentence pair at a time: more than half the content terms of the one with fewer in the other."""
    (terms_a, content_a), (terms_b, content_b) = a, b
    fewer, other = (content_a, terms_b) if len(content_a) <= len(content_b) else (content_b, terms_a)
    return len(fewer) > 0 and len(fewer & other) > 0.5 * len(fewer)


def carried(a: str, b: str) -> int:
    """carries_many of two texts' sentences aligned in order (the first with the first...), counted."""
    sa, sb = Sketch(a), Sketch(b)
    n = np.arange(min(len(sa.sentences), len(sb.sentences)))
    return int(carries_many([(sa, sb, n, n)]).sum())


def test_content_terms_leave_out_names_and_numbers_but_not_in_a_script_without_case():
    s = Sketch("Kostas Kenteris, 31, missed drugs tests in Athens.")
    hashes, content = s.sentence_terms[0], s.sentence_content
    assert hashes.size == 7 and content.tolist() == [False, False, False, True, True, True, False]  # (a name and 31)
    for caseless in ("وزیراعظم نے 31 نئے منصوبوں کا اعلان کیا۔", "KENTERIS, 31, MISSED DRUGS TESTS IN ATHENS."):
        s = Sketch(caseless)
        assert s.sentence_terms[0].size >= 5 and s.sentence_content.all()


def test_sentences_sharing_only_names_do_not_carry_the_same_words():
    names = "Malcolm Glazer, the owner of Tampa Bay, met JP McManus and John Magnier in Dublin."
    other = "McManus and Magnier said Glazer would not get their Manchester United shares."
    reworded = "In Dublin Glazer, Tampa Bay's owner, met with JP McManus and Magnier."
    assert carried(names, other) == 0 and carried(names, reworded) == 1
    assert carried("A Titterrell, D Bell, S Borthwick, A Hazell.",
                   "A Titterrell (Sale Sharks), D Bell (Bath), S Borthwick (Bath), A Hazell (Gloucester).") == 0
    assert carried("", "Anything at all.") == 0


def _reference_carried(bodies: list[str]) -> list[tuple[int, int]]:
    """Each pair of ``bodies``: carried as compared, and by the string reference over the same aligned sentences."""
    confirmer = Confirmer().fit(bodies)
    pairs = [(i, j) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]
    out = []
    for c in confirmer.compare_many(pairs):
        chain = [p for p in c.passages if p.kind == "paraphrase"][:c.aligned]  # (then the sentences matched out of order)
        want = sum(carries(sentence_terms(bodies[c.a][slice(*p.a_span)]), sentence_terms(bodies[c.b][slice(*p.b_span)]))
                   for p in chain)
        out.append((c.carried, want))
    return out


def test_carried_many_equals_the_string_reference_on_real_texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    texts += ["Ünïcode Ärzte said the Ökonomie grew 3% in Zürich last year. Die Ärzte fanden 31 Fälle im Januar.",
              "The Ökonomie grew 3% in Zürich last year, Ünïcode Ärzte said \u2014 die Ärzte fanden 31 Fälle im Januar.",
              "_under score and snake_case words were named in Zurich. 3d prints and Ca_se files were named too.",
              "Snake_case words and _under score ones were named. Ca_se files and 3d prints were named in ZÜRICH TOO."]
    got = _reference_carried(texts)
    assert sum(w for _, w in got) > 10 and all(g == w for g, w in got)


def test_carried_many_equals_the_string_reference_on_clough_stevenson():
    if not CLOUGH.is_dir():
        pytest.skip(f"Clough-Stevenson corpus not found at {CLOUGH}")
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CLOUGH.iterdir())[:30]]
    got = _reference_carried(texts)
    assert sum(w for _, w in got) > 50 and all(g == w for g, w in got)
