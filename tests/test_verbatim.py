"""Tests for dedup.confirm.verbatim: texts made once as flat arrays, and the verbatim measures
of a block of pairs equal to those of dedup.confirm.lexical pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.clean.layout import own_words
from dedup.confirm import Comparison, VerbatimTexts, lexical, verbatim_measures
from dedup.confirm import verbatim as verbatim_module
from dedup.params import Params
from dedup.sketch.body import Sketch


def corpus(maker, n: int = 24) -> list[str]:
    """Texts sharing paragraphs, quotations and captions, some in page chrome, one not ASCII."""
    pool = [maker.paragraph(3) for _ in range(12)]
    quote = f'"{maker.sentence(9)[:-1]}," the minister said.'
    caption = "Photo: The minister at the site on Monday. (Reuters/J. Doe)"
    chrome = "Home | World | Sport\nShare: Facebook Twitter\nTitle of it"
    out = []
    for k in range(n):
        rng = maker.rng
        parts = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(1, 4))] + [maker.paragraph(2)]
        if k % 3 == 0:
            parts.insert(1, quote)
        if k % 4 == 0:
            parts.insert(0, caption)
        if k % 5 == 0:
            parts = [chrome, *parts, "Related: another headline\nMost read", f"reader: {pool[0]}"]
        out.append(("\n" if k % 5 == 0 else "\n\n").join(parts))
    out[7] = "Un r\u00e9sum\u00e9 : " + out[7]
    out += ["", "short text", pool[0]]
    return out


def test_texts_are_the_sketches_shingles_words_and_layout(maker):
    bodies = corpus(maker)
    t = VerbatimTexts.of(bodies)
    assert len(t) == len(bodies)
    for i, body in enumerate(bodies):
        s = Sketch(body, with_sentences=False)
        assert np.array_equal(t.run(i).shingles, s.shingles) and t.words[i] == s.n_words
        assert np.array_equal(t.unique[t.unique_start[i]:t.unique_start[i + 1]], s.unique_shingles)
        if s.n_words:
            own, block = own_words(body, s.spans)
            got_own, got_block = t.layout(i)
            assert np.array_equal(own, got_own) and np.array_equal(block, got_block)
    assert not t.layout(0)[0].all()  # a quotation and a caption are not the writer's own words


def test_concat_keeps_every_text(maker, tmp_path):
    bodies = corpus(maker)
    whole = VerbatimTexts.of(bodies)
    for folder in (None, str(tmp_path)):
        joined = VerbatimTexts.concat([VerbatimTexts.of(bodies[:5]), VerbatimTexts.of(bodies[5:])], folder)
        for name in ("shingles", "shingle_start", "unique", "unique_start", "inverse", "words", "cuts", "cut_start",
                     "blocks", "block_start", "own", "block"):
            assert np.array_equal(getattr(joined, name), getattr(whole, name)), name


@pytest.mark.parametrize("block_words", [10**9, 300])  # all pairs at once, or a few pairs a block
def test_measures_equal_lexicals_pair_by_pair(maker, monkeypatch, block_words):
    monkeypatch.setattr(verbatim_module, "BLOCK_WORDS", block_words)
    bodies = corpus(maker)
    sketches = [Sketch(b, with_sentences=False) for b in bodies]
    pairs = np.array([(i, j) for i in range(len(bodies)) for j in range(len(bodies)) if i != j])
    m = verbatim_measures(VerbatimTexts.of(bodies), pairs[:, 0], pairs[:, 1])
    shared = 0
    for k, (i, j) in enumerate(pairs.tolist()):
        c = Comparison(i, j)
        lexical(c, sketches[i], sketches[j])
        assert (m.containment_ab[k], m.containment_ba[k], m.lead_a[k], m.lead_b[k]) == \
            (c.containment_ab, c.containment_ba, c.lead_a, c.lead_b)
        assert c.longest_run <= m.run_bound[k]
        shared += c.longest_run > 0
    assert shared > 50  # the texts do share passages


def test_run_gives_lexical_its_layout(maker):
    bodies = corpus(maker)
    t = VerbatimTexts.of(bodies)
    for i, j in [(0, 3), (5, 10), (7, 0)]:
        x, y = Comparison(i, j), Comparison(i, j)
        lexical(x, t.run(i), t.run(j))
        lexical(y, Sketch(bodies[i]), Sketch(bodies[j]))
        assert (x.containment_ab, x.containment_ba, x.longest_run, x.jaccard) == \
            (y.containment_ab, y.containment_ba, y.longest_run, y.jaccard)


def test_params_are_read():
    text = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"
    bodies = [text, "zulu " + text[:60]]
    for p in (Params(shingle_words=3), Params(shingle_words=3, min_passage_words=20)):
        m = verbatim_measures(VerbatimTexts.of(bodies, p), np.array([0]), np.array([1]), p)
        c = Comparison(0, 1)
        lexical(c, *(Sketch(b, with_sentences=False, shingle_words=3) for b in bodies), p)
        assert (m.containment_ab[0], m.containment_ba[0]) == (c.containment_ab, c.containment_ba)
        assert m.run_bound.tolist() == [9 if p.min_passage_words <= 9 else 0]  # the shared run: 9 words
