"""Tests for dedup.confirm: containment, verbatim passages, sentence alignment, quotes."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.confirm import Comparison, Confirmer, quotes, shared_quotes
from dedup.model import Relation
from dedup.params import Params
from dedup.relation import relation

MIN_RUN = Params().min_passage_words


def compare(texts: list[str], a: int = 0, b: int = 1, **kw) -> Comparison:
    return Confirmer(Params(**kw)).fit(texts).compare(a, b)


def paraphrase(sentence: str, maker, every: int = 4) -> str:
    """Replace every ``every``-th word: most content words survive, no 5-gram does."""
    ws = sentence.rstrip(".").split()
    out = [maker.word() if k % every == every - 1 else w for k, w in enumerate(ws)]
    return " ".join(out).capitalize() + "."


# --- verbatim -----------------------------------------------------------------------

def test_excerpt_embedded_in_longer_text(maker):
    excerpt = maker.paragraph(5)
    host = maker.article(3) + "\n\n" + excerpt + "\n\n" + maker.article(3)
    unrelated = maker.article(4)
    c = compare([excerpt, host, unrelated])
    assert c.containment_ab == pytest.approx(1.0)
    assert c.containment_ba < 0.5
    assert c.longest_run >= len(excerpt.split()) - 1
    verbatim = [p for p in c.passages if p.kind == "verbatim"]
    assert verbatim
    for p in verbatim:
        assert excerpt[p.a_span[0]:p.a_span[1]] == host[p.b_span[0]:p.b_span[1]]
        assert p.words >= MIN_RUN and p.similarity == 1.0
    longest = max(verbatim, key=lambda p: p.words)
    assert excerpt[longest.a_span[0]:longest.a_span[1]] == excerpt.rstrip(".")  # the whole excerpt


def test_verbatim_passage_sides_are_equal():
    p_ = "alpha bravo charlie delta echo foxtrot golf hotel india juliet"
    q_ = "kilo lima mike november oscar papa quebec romeo"
    a = f"{p_}. Something entirely different is written here today. {q_}."
    b = f"{p_} {q_}. Another sentence."
    c = compare([a, b])
    verbatim = [p for p in c.passages if p.kind == "verbatim"]
    assert len(verbatim) == 2
    for p in verbatim:
        assert a[p.a_span[0]:p.a_span[1]] == b[p.b_span[0]:p.b_span[1]]


def test_comparison_is_symmetric_in_containment(maker):
    excerpt = maker.paragraph(4)
    host = maker.paragraph(3) + " " + excerpt + " " + maker.paragraph(3)
    ab = compare([excerpt, host], 0, 1)
    ba = compare([excerpt, host], 1, 0)
    assert ab.containment_ab == pytest.approx(ba.containment_ba)
    assert ab.containment_ba == pytest.approx(ba.containment_ab)
    assert ab.jaccard == pytest.approx(ba.jaccard)
    assert ab.longest_run == ba.longest_run
    assert ab.cosine == pytest.approx(ba.cosine)


def test_identical_texts(maker):
    text = maker.article(3)
    c = compare([text, text, maker.article(2)])
    assert c.jaccard == pytest.approx(1.0)
    assert c.containment_ab == pytest.approx(1.0) and c.containment_ba == pytest.approx(1.0)
    assert c.cosine == pytest.approx(1.0, abs=1e-4)
    assert c.order == 1.0
    assert c.coverage_a == pytest.approx(1.0) and c.coverage_b == pytest.approx(1.0)


def test_unrelated_texts_share_nothing(maker):
    c = compare([maker.article(3), maker.article(3)])
    assert c.jaccard == 0 and c.containment_ab == 0 and c.longest_run == 0
    assert c.aligned == 0 and c.matched == 0 and c.order == 0.0
    assert not c.passages
    assert c.cosine < 0.1


def test_short_shared_run_is_not_a_passage(maker):
    common = " ".join(maker.words(MIN_RUN - 2))
    a = maker.sentence() + " " + common + " " + maker.sentence()
    b = maker.sentence() + " " + common + " " + maker.sentence()
    c = compare([a, b])
    assert c.containment_ab > 0  # the shared words are counted...
    assert not [p for p in c.passages if p.kind == "verbatim"]  # ...but shown as no passage


# --- paraphrase alignment --------------------------------------------------------------

def test_reordered_paraphrase_has_lower_order(maker):
    original = [maker.sentence(16) for _ in range(6)]
    rewritten = [paraphrase(s, maker) for s in original]
    in_order = " ".join(rewritten)
    shuffled = " ".join(rewritten[::-1])
    texts = [" ".join(original), in_order, shuffled, maker.article(3), maker.article(3)]
    confirmer = Confirmer().fit(texts)
    same, rev = confirmer.compare(0, 1), confirmer.compare(0, 2)
    assert same.matched == rev.matched == 6
    assert same.aligned == 6 and same.order == 1.0
    assert rev.order < same.order
    assert rev.aligned < rev.matched
    assert same.coverage_a > rev.coverage_a
    # no verbatim 5-gram survives every 4th word changed
    assert same.longest_run == 0
    paras = [p for p in same.passages if p.kind == "paraphrase"]
    assert len(paras) == 6
    for p in paras:
        assert p.similarity >= confirmer.params.sentence_similarity
        a_sent, b_sent = texts[0][p.a_span[0]:p.a_span[1]], in_order[p.b_span[0]:p.b_span[1]]
        assert original.index(a_sent) == rewritten.index(b_sent)


def test_passage_order_of_moved_paragraphs(maker):
    paras = [maker.paragraph(3) for _ in range(5)]
    moved = [paras[0], paras[3], paras[1], paras[2], paras[4]]
    texts = ["\n\n".join(paras), "\n\n".join(paras[:4]), "\n\n".join(moved), maker.article(3)]
    confirmer = Confirmer().fit(texts)
    cut, update = confirmer.compare(0, 1), confirmer.compare(0, 2)
    assert cut.passage_order == 1.0  # a copy cut short keeps its order
    assert update.containment_ab == pytest.approx(1.0) and update.containment_ba == pytest.approx(1.0)
    assert 0.6 < update.passage_order < 0.95  # one paragraph of five moved


def test_reworded_counts_matched_sentences_not_reused_as_they_are(maker):
    original = [maker.sentence(16) for _ in range(6)]
    reused = original[::-1]  # the same sentences, moved
    reworded = [paraphrase(s, maker) if k % 2 else s for k, s in enumerate(original)]
    texts = [" ".join(original), " ".join(reused), " ".join(reworded), maker.article(3)]
    confirmer = Confirmer().fit(texts)
    same, half = confirmer.compare(0, 1), confirmer.compare(0, 2)
    assert same.matched == half.matched == 6
    assert same.reworded == 0
    assert half.reworded == 3


def test_merged_sentences_count_in_matched_coverage(maker):
    original = [maker.sentence(12) for _ in range(4)]
    merged = [original[0].rstrip(".") + " and " + original[1][0].lower() + original[1][1:], *original[2:]]
    c = Confirmer().fit([" ".join(original), " ".join(merged), maker.article(3)]).compare(0, 1)
    assert c.matched == 3  # one to one
    assert c.matched_coverage_a == pytest.approx(1.0) and c.matched_coverage_b == pytest.approx(1.0)


def test_alignment_threshold_is_respected(maker):
    original = [maker.sentence(16) for _ in range(4)]
    texts = [" ".join(original), " ".join(paraphrase(s, maker, every=2) for s in original), maker.article(2)]
    loose = compare(texts, sentence_similarity=0.05)
    strict = compare(texts, sentence_similarity=0.99)
    assert loose.aligned >= strict.aligned
    assert strict.aligned == 0 and loose.aligned > 0


def test_scores_keys():
    c = Comparison(0, 1, cosine=0.12345, aligned=2, matched=4)
    s = c.scores()
    assert s.cosine == 0.123 and s.in_order == 0.5
    assert {"containment_ab", "containment_ba", "longest_passage_words", "aligned_sentences",
            "matched_sentences", "coverage_a", "coverage_b", "shared_quotes", "jaccard"} <= set(s.to_dict())


def test_empty_texts_compare_without_error(maker):
    c = compare(["", maker.article(2)])
    assert c.jaccard == 0 and c.aligned == 0 and c.passages == []


# --- quotes ---------------------------------------------------------------------------

QUOTE = '"China and Vietnam have mixed attitudes towards each other," said a researcher.'


def test_quotes_spans():
    body = 'He said "yes". ' + QUOTE + ' Then "a b c" and "four words are here" too.'
    got = [body[s:e] for s, e in quotes(body)]
    assert got == ["China and Vietnam have mixed attitudes towards each other,", "four words are here"]


def test_shared_quotes_same_quotation(maker):
    a = maker.sentence() + " " + QUOTE + " " + maker.sentence()
    b = (maker.sentence() + ' An analyst told the paper: "China and Vietnam have mixed attitudes towards '
         'each other." ' + '"We will never accept these terms from anybody," the minister said.')
    got = shared_quotes(a, b)
    assert len(got) == 1
    (sa, ea), (sb, eb) = got[0]
    assert "mixed attitudes" in a[sa:ea] and "mixed attitudes" in b[sb:eb]


def test_shared_quotes_ignores_different_quotation(maker):
    a = maker.sentence() + " " + QUOTE
    b = '"We will never accept these terms from anybody," the minister said. ' + maker.sentence()
    assert shared_quotes(a, b) == []
    assert shared_quotes(a, maker.sentence()) == []


def test_compare_reports_shared_quotes(maker):
    a = maker.paragraph(2) + " " + QUOTE
    b = QUOTE + " " + maker.paragraph(2)
    c = compare([a, b, maker.article(2)])
    assert len(c.quotes) == 1
    (sa, ea), (sb, eb) = c.quotes[0]
    assert a[sa:ea] == b[sb:eb]


def test_cosines_batched_matches_compare(maker):
    texts = [maker.article(2) for _ in range(4)]
    texts[1] = texts[0] + " " + maker.sentence()
    confirmer = Confirmer().fit(texts)
    pairs = np.array([[0, 1], [0, 2], [2, 3]])
    got = confirmer.cosines(pairs)
    assert got.shape == (3,)
    for (i, j), value in zip(pairs.tolist(), got):
        assert confirmer.compare(i, j).cosine == pytest.approx(value)
    assert got[0] > got[1]
    assert confirmer.cosines(np.empty((0, 2), np.int64)).shape == (0,)


def test_lexical_from_feature_shingles_equals_lexical_from_sketches(maker):
    from dedup.sketch import featurize

    passage = maker.paragraph(4)
    texts = [maker.paragraph(3) + " " + passage, passage + " " + maker.paragraph(2), maker.paragraph(3)]
    f = featurize(texts)
    from_features = Confirmer().fit(texts, f.terms, (f.shingles, f.shingle_start, f.words))
    from_texts = Confirmer().fit(texts)
    for a, b in [(0, 1), (1, 0), (0, 2)]:
        x, y = from_features.lexical(a, b), from_texts.lexical(a, b)
        assert (x.containment_ab, x.containment_ba, x.longest_run, x.jaccard) == \
            (y.containment_ab, y.containment_ba, y.longest_run, y.jaccard)
    assert from_features.lexical(0, 1).longest_run >= len(passage.split()) - 1


def test_lexical_mixes_cached_sketches_and_feature_shingles(maker):
    from dedup.sketch import featurize

    passage = maker.paragraph(4)
    texts = [maker.paragraph(3) + " " + passage, passage + " " + maker.paragraph(2)]
    f = featurize(texts)
    confirmer = Confirmer().fit(texts, f.terms, (f.shingles, f.shingle_start, f.words))
    full = confirmer.compare(0, 1)  # caches article 0's full sketch
    assert confirmer.lexical(0, 1).longest_run == full.longest_run  # 0 full, 1 from shingles


def test_tfidf_weights_are_scikit_learns(maker):
    """The weights are TfidfTransformer(sublinear_tf=True)'s, bit for bit, however they are
    computed: whole, in blocks of rows, or from a corpus's known document frequencies."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from dedup.confirm import CorpusIdf
    from dedup.confirm.tfidf import document_frequencies, weigh
    from dedup.sketch import featurize

    bodies = [maker.article(3) for _ in range(40)] + ["", "one two three four five six seven"]
    c = Confirmer().fit(bodies)
    counts = featurize(bodies).terms
    used = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel())
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, used]).toarray()
    assert np.array_equal(c.docs_.toarray()[:, c.column_of_[used]], expected)
    compact = counts[:, used].astype(np.float32)
    assert np.array_equal(weigh(c.tfidf_, compact.copy(), block=7).toarray(), expected)
    # an index or a Spark job: the corpus's document frequencies, a few of its articles weighed
    df = document_frequencies(counts)
    known = CorpusIdf(np.flatnonzero(df), df[df > 0], len(bodies))
    few = Confirmer().fit([bodies[k] for k in (3, 7)], counts[[3, 7]], idf=known)
    held = np.searchsorted(used, few.column_of_.terms)  # the terms of the two, among all
    assert np.array_equal(few.docs_.toarray(), expected[[3, 7]][:, held])
    assert np.array_equal(few.cosines(np.array([[0, 1]])), c.cosines(np.array([[3, 7]])))


def test_prepared_sketches_compare_the_same(maker):
    texts = [maker.article(4) for _ in range(5)]
    texts[1] = texts[0] + " " + maker.sentence()
    texts[2] = "Un r\u00e9sum\u00e9: " + texts[0][: len(texts[0]) // 2]  # not ASCII: sketched on its own
    one_by_one, prepared = Confirmer().fit(texts), Confirmer().fit(texts)
    prepared.prepare([0, 1, 2, 1, 3])
    assert set(prepared._cache) == {0, 1, 2, 3}
    for a, b in [(0, 1), (0, 2), (1, 3), (3, 4)]:
        x, y = one_by_one.compare(a, b), prepared.compare(a, b)
        assert x.scores() == y.scores() and x.passages == y.passages and x.quotes == y.quotes


# --- many pairs at once ---------------------------------------------------------------

def test_similar_sentences_of_a_block_are_each_pairs_own(maker):
    from scipy import sparse

    from dedup.confirm import measures

    pool = [maker.sentence() for _ in range(30)]
    texts = [" ".join(maker.rng.sample(pool, 8)) for _ in range(12)]
    confirmer = Confirmer().fit(texts)
    rows = [(confirmer.sketch(a)[1], confirmer.sketch(b)[1]) for a in range(12) for b in range(12) if a != b]
    threshold = Params().sentence_similarity
    got = measures.similar_sentences(rows, threshold)
    for (ma, mb), (ii, jj, ww) in zip(rows, got):
        exact = (ma.astype(np.float64) @ mb.astype(np.float64).T).toarray()
        want_i, want_j = np.nonzero(exact.astype(np.float32) >= threshold)  # row-major
        assert ii.tolist() == want_i.tolist() and jj.tolist() == want_j.tolist()
        assert ww.dtype == np.float32 and np.array_equal(ww, exact[want_i, want_j].astype(np.float32))
    assert sum(ii.size for ii, _, _ in got) > 50
    empty = sparse.csr_matrix((0, rows[0][0].shape[1]), dtype=np.float32)
    assert [x.size for x in measures.similar_sentences([(empty, rows[0][1])], threshold)[0]] == [0, 0, 0]


def test_compare_many_equals_compare(maker, monkeypatch):
    from dedup.confirm import measures

    monkeypatch.setattr(measures, "SIMILARITY_CELLS", 300)  # a few pairs per product
    passage = maker.paragraph(3)
    texts = [maker.paragraph(2) + " " + passage, passage + " " + maker.paragraph(2), maker.article(2),
             paraphrase(passage, maker) + " " + maker.paragraph(1), ""]
    pairs = [(0, 1), (1, 2), (0, 3), (1, 3), (3, 4), (2, 0)]
    many = Confirmer().fit(texts).compare_many(pairs)
    for (a, b), c in zip(pairs, many):
        one = Confirmer().fit(texts).compare(a, b)
        assert (c.a, c.b) == (a, b)
        assert c.scores() == one.scores() and c.passages == one.passages and c.quotes == one.quotes


def _column_order_sums(m, pairs):
    """The reference of row_dots: each pair's shared columns' products (float32), added one after
    another in column order."""
    out = []
    for i, j in pairs.tolist():
        a, b = m[i], m[j]
        shared, ia, ib = np.intersect1d(a.indices, b.indices, assume_unique=True, return_indices=True)
        total = np.float32(0)
        for x, y in zip(a.data[ia].tolist(), b.data[ib].tolist()):
            total = np.float32(total + np.float32(np.float32(x) * np.float32(y)))
        out.append(total)
    return np.array(out, np.float32)


@pytest.mark.parametrize("group_min", [4, None])  # pairs taken a group at a time, or all one by one
def test_row_dots_are_the_element_wise_products_sums(maker, monkeypatch, group_min):
    from dedup.confirm import tfidf
    from dedup.confirm.tfidf import row_dots

    if group_min:
        monkeypatch.setattr(tfidf, "GROUP_MIN", group_min)
    docs = Confirmer().fit([maker.article(2) for _ in range(30)]).docs_
    star = np.array([[i, j] for i in range(3) for j in range(30) if j != i])  # many pairs a first row
    scattered = np.array([[i, (i * 7 + 3) % 30] for i in range(30)])  # one pair a first row
    for pairs in (star, scattered, star[::-1]):
        assert np.array_equal(row_dots(docs, pairs), _column_order_sums(docs, pairs))  # bit for bit
    assert row_dots(docs, np.empty((0, 2), np.int64)).shape == (0,)


@pytest.mark.parametrize("seed", range(6))
def test_row_dots_equal_the_reference_on_random_matrices(seed, monkeypatch):
    monkeypatch.setattr("dedup.confirm.tfidf.GROUP_MIN", 4)  # the star's rows a group each
    from scipy import sparse

    from dedup.confirm import tfidf

    rng = np.random.default_rng(seed)
    n, width = 60, int(rng.integers(1, 40))
    m = sparse.random(n, width, density=float(rng.uniform(0.05, 0.6)), format="csr", dtype=np.float32, random_state=seed)
    m.data = (m.data - np.float32(0.5)) * np.float32(10.0) ** rng.integers(-30, 3, m.data.size).astype(np.float32)
    m = sparse.diags((rng.random(n) > 0.2).astype(np.float32)) @ m  # some rows empty
    m.eliminate_zeros()
    m.sort_indices()
    star = np.stack([np.repeat(rng.choice(n, 8), 12), rng.integers(0, n, 96)], axis=1)  # many pairs a first row
    pairs = np.concatenate([star, rng.integers(0, n, (200, 2)), [[0, 0]]])
    rng.shuffle(pairs)
    want = _column_order_sums(m, pairs)
    assert (want == 0).any() and (want != 0).any()
    first, second = m[pairs[:, 0]].astype(np.float64), m[pairs[:, 1]].astype(np.float64)
    exact = np.asarray(first.multiply(second).sum(axis=1)).ravel()
    scale = np.asarray(abs(first).multiply(abs(second)).sum(axis=1)).ravel()
    assert np.all(np.abs(want - exact) <= 1e-5 * scale + 1e-36)  # float32 sums (and subnormal products)
    for step in (1 << 21, 1, 50):  # one step; a pair a step; several
        monkeypatch.setattr(tfidf, "STEP", step)
        got = tfidf.row_dots(m, pairs)
        assert got.dtype == np.float32 and got.tobytes() == want.astype(np.float32).tobytes()  # bit for bit
        assert tfidf.row_dots(m, pairs, batch=7).tobytes() == got.tobytes()




SOURCE = ["The harbour authority approved a new ferry terminal for the northern island on Tuesday.",
          "Construction of the terminal will begin next spring and cost about forty million dollars.",
          "Fishermen had asked for a larger pier since the storms damaged the old one two winters ago.",
          "The regional council will pay a third of the cost, with the rest coming from port fees.",
          "Opposition members said the ferry timetable should be published before any work begins.",
          "The island has about three thousand residents who depend on the ferry for supplies."]
OWN = ["Local shops reported strong sales during the weekend market in the town square.",
       "A choir from the mainland performed at the church hall on Saturday evening.",
       "Weather forecasters expect heavy rain along the coast later this week."]


def test_sentences_matched_out_of_order_are_measured_and_shown():
    # a story built partly from SOURCE: four of its sentences reworded a little, in an order of their own, among
    # sentences of its own
    built = " ".join([OWN[0], "With port fees covering the rest, the regional council is to pay a third of the cost.",
                      OWN[1], "On Tuesday a new ferry terminal for the northern island was approved by the harbour authority.",
                      "Some three thousand island residents depend on the ferry for their supplies.", OWN[2],
                      "Costing about forty million dollars, construction of the terminal begins next spring."])
    bodies = [" ".join(SOURCE), built, " ".join(OWN), "Unrelated text about a football match and its goals."]
    c = Confirmer().fit(bodies).compare(0, 1)
    assert c.matched == 4 and c.aligned < c.matched and c.matched_carried == 4 and c.matched_similarity > 0.7
    shown = {(p.a_span, p.b_span) for p in c.passages if p.kind == "paraphrase"}
    assert len(shown) == c.matched  # the sentences matched out of order are evidence too
    assert relation(c) == Relation.DERIVED and c.order < Params().derived_order  # not by the in-order alignment
    assert Confirmer().fit(bodies).compare(0, 2).matched == 0
